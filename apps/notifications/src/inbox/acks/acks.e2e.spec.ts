import type { Principal } from '@petalpost/auth';
import { createTestNamespace, eventually, uniqueName } from '@petalpost/testing';
import {
  LiveClient,
  newOrder,
  type Notifications,
  relayStandIn,
  type Relay,
  startNotifications,
  tokens,
  waitUntilConsuming,
} from '../../notifications.fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Critical notifications must be acknowledged: re-sent to each person who has not, and escalated
 * when nobody has. Short delays through configuration; the real service, Kafka and Postgres.
 */
describe('acknowledgements, re-sends and escalation', () => {
  let service: Notifications;
  let relay: Relay;

  const call = (method: string, path: string, principal: Principal | undefined, body?: unknown) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(principal ? { authorization: `Bearer ${tokens.sign(principal)}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const escalationsSeenBy = async (principal: Principal, query = '') => {
    const response = await call('GET', `/notifications/escalations${query}`, principal);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Array<Record<string, unknown>> }).items;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startNotifications(namespace, { NOTIFY_RESEND_SECONDS: '1', NOTIFY_ESCALATE_SECONDS: '2.5' });
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(service, relay);
  });
  afterAll(async () => {
    await relay?.disconnect();
    await service?.app.close();
  });

  it('re-sends an exception to each person who has not acknowledged it, until they do, and escalates nothing someone acknowledged', async () => {
    const shop = uniqueName('shop');
    const alicePrincipal: Principal = { role: 'staff', shopId: shop, sub: uniqueName('alice') };
    const bobPrincipal: Principal = { role: 'dispatcher', shopId: shop, sub: uniqueName('bob') };
    const alice = await LiveClient.connect(service, alicePrincipal);
    const bob = await LiveClient.connect(service, bobPrincipal);
    const order = newOrder(shop);
    await relay.orders(order.exceptionFlagged('wrong_address'));
    const [flagged] = await eventually(() => {
      expect(alice.notifications()).toHaveLength(1);
      expect(bob.notifications()).toHaveLength(1);
      return alice.notifications();
    });
    expect(flagged).toMatchObject({ eventType: 'OrderExceptionFlagged', critical: true, alert: true, audience: `shop:${shop}`, seq: 1 });

    alice.send({ type: 'ack', audience: flagged.audience, seq: flagged.seq });
    await eventually(() => expect(alice.of('acked')).toEqual([{ type: 'acked', audience: flagged.audience, seq: 1 }]));

    const resent = await eventually(() => {
      const frames = bob.frames.filter((f) => f.resent);
      expect(frames.length).toBeGreaterThanOrEqual(1);
      return frames[0];
    }, 5_000);
    expect(resent).toMatchObject({ type: 'notification', resent: true, audience: flagged.audience, seq: 1, eventId: flagged.eventId, critical: true });
    expect(alice.frames.filter((f) => f.resent)).toEqual([]);

    // Over HTTP, as an SSE client would: bob acknowledges, and hears no more of it.
    const ack = await call('POST', '/notifications/ack', bobPrincipal, { audience: flagged.audience, seq: 1 });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toEqual({ audience: flagged.audience, seq: 1, acknowledged: true });
    const resentToBob = bob.frames.filter((f) => f.resent).length;
    await sleep(3_000);
    expect(bob.frames.filter((f) => f.resent)).toHaveLength(resentToBob);
    expect(await escalationsSeenBy(alicePrincipal)).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('escalates, once, an exception nobody of the shop acknowledged, and lists it to the shop’s staff and operators only', async () => {
    const shop = uniqueName('shop');
    const staff: Principal = { role: 'staff', shopId: shop, sub: uniqueName('alice') };
    const client = await LiveClient.connect(service, staff);
    const order = newOrder(shop);
    const flagged = order.exceptionFlagged('vehicle_breakdown');
    await relay.orders(flagged);
    await eventually(() => expect(client.eventIds()).toEqual([flagged.eventId]));

    const escalated = await eventually(async () => {
      const items = await escalationsSeenBy(staff);
      expect(items).toHaveLength(1);
      return items[0];
    }, 10_000);
    expect(escalated).toMatchObject({
      audience: `shop:${shop}`,
      seq: 1,
      eventId: flagged.eventId,
      eventType: 'OrderExceptionFlagged',
      shopId: shop,
      orderId: order.orderId,
      channel: 'development',
    });
    // Still unacknowledged through several more sweeps: still one escalation.
    await sleep(2_000);
    expect(await escalationsSeenBy(staff)).toHaveLength(1);

    expect(await escalationsSeenBy({ role: 'operator', sub: 'olga' }, `?shopId=${shop}`)).toHaveLength(1);
    expect(await escalationsSeenBy({ role: 'staff', shopId: uniqueName('shop'), sub: 'eve' })).toEqual([]);
    expect((await call('GET', `/notifications/escalations?shopId=${shop}`, { role: 'staff', shopId: uniqueName('shop'), sub: 'eve' })).status).toBe(404);
    expect((await call('GET', '/notifications/escalations', { role: 'florist', shopId: shop, sub: 'fay' })).status).toBe(403);
    await client.close();
  });

  it('refuses to acknowledge what is not in the caller’s inboxes', async () => {
    const shop = uniqueName('shop');
    const staff: Principal = { role: 'staff', shopId: shop, sub: uniqueName('alice') };
    const client = await LiveClient.connect(service, staff);
    await relay.orders(newOrder(shop).placed());
    await eventually(() => expect(client.notifications()).toHaveLength(1));

    const otherShops = await call(
      'POST',
      '/notifications/ack',
      { role: 'staff', shopId: uniqueName('shop'), sub: 'eve' },
      { audience: `shop:${shop}`, seq: 1 },
    );
    expect(otherShops.status).toBe(404);
    expect(await otherShops.json()).toMatchObject({ code: 'NOTIFICATION_NOT_FOUND' });
    expect((await call('POST', '/notifications/ack', staff, { audience: `shop:${shop}`, seq: 2 })).status).toBe(404);
    expect((await call('POST', '/notifications/ack', staff, { audience: `shop:${shop}`, seq: 'one' })).status).toBe(400);
    expect((await call('POST', '/notifications/ack', undefined, { audience: `shop:${shop}`, seq: 1 })).status).toBe(401);
    client.send({ type: 'ack', audience: `shop:${shop}` });
    await eventually(() => expect(client.of('error')).toEqual([expect.objectContaining({ code: 'MALFORMED_MESSAGE' })]));
    await client.close();
  });

  it('alerts according to the person’s preferences, and always for critical notifications', async () => {
    const shop = uniqueName('shop');
    const staff: Principal = { role: 'staff', shopId: shop, sub: uniqueName('alice') };
    const client = await LiveClient.connect(service, staff);
    const [muted, other] = [newOrder(shop), newOrder(shop)];

    expect(await (await call('GET', '/me/preferences', staff)).json()).toEqual({ mutedOrders: [], quietHours: null, silentEventTypes: [] });
    const bad = await call('PUT', '/me/preferences', staff, { mutedOrders: [muted.orderId], volume: 11 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const preferences = { mutedOrders: [muted.orderId], quietHours: null, silentEventTypes: ['ProductionStarted'] };
    const put = await call('PUT', '/me/preferences', staff, preferences);
    expect(put.status).toBe(200);
    expect(await (await call('GET', '/me/preferences', staff)).json()).toEqual(preferences);

    // The connected client is told of the change by the database; from then on it applies.
    await eventually(async () => {
      const probe = other.productionStarted();
      await relay.orders(probe);
      await eventually(() => expect(client.eventIds()).toContain(probe.eventId), 3_000);
      expect(client.notifications().find((f) => f.eventId === probe.eventId)).toMatchObject({ alert: false });
    });
    const [accepted, mutedAccepted, mutedException] = [other.accepted(), muted.accepted(), muted.exceptionFlagged()];
    await relay.orders(accepted, mutedAccepted, mutedException);
    await eventually(() => expect(client.eventIds()).toEqual(expect.arrayContaining([accepted.eventId, mutedAccepted.eventId, mutedException.eventId])));
    const frame = (eventId: string) => client.notifications().find((f) => f.eventId === eventId);
    expect(frame(accepted.eventId)).toMatchObject({ alert: true, critical: false });
    expect(frame(mutedAccepted.eventId)).toMatchObject({ alert: false, critical: false });
    expect(frame(mutedException.eventId)).toMatchObject({ alert: true, critical: true });
    await client.close();
  });
});
