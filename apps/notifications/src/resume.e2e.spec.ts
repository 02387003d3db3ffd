import { randomUUID } from 'node:crypto';
import type { RetentionSweep } from '@petalpost/platform';
import { createTestNamespace, eventually, personErased, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import { INBOX_RETENTION } from './inbox/inbox-retention';
import { encodeCursor } from './inbox/domain/cursor';
import {
  at,
  type Frame,
  LiveClient,
  newOrder,
  type Notifications,
  relayStandIn,
  type Relay,
  SseClient,
  startNotifications,
  tokens,
  waitUntilConsuming,
} from './notifications.fixture';

/**
 * A client that drops off mid-burst and comes back with the cursor of the last notification it
 * got receives exactly what it missed: the real service, Kafka and Postgres, over a real socket.
 */
describe('resuming the live stream from a cursor', () => {
  let service: Notifications;
  let relay: Relay;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startNotifications(namespace);
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(service, relay);
  });
  afterAll(async () => {
    await relay?.disconnect();
    await service?.app.close();
  });

  it('gives a client that dropped after 37 of 100 notifications exactly the other 63 when it reconnects with its last cursor', async () => {
    const shop = uniqueName('shop');
    const staff = { role: 'staff' as const, shopId: shop, sub: 'alice' };
    // Ten orders: their events spread over every partition and are consumed concurrently.
    const orders = Array.from({ length: 10 }, () => newOrder(shop));
    const events = orders.flatMap((o) => [
      o.placed(),
      o.accepted(),
      o.productionStarted(),
      o.finished(),
      o.assigned('li'),
      o.outForDelivery('li'),
      o.delivered('li'),
      o.windowChanged(),
      o.accepted(),
      o.finished(),
    ]);
    expect(events).toHaveLength(100);

    const first = await LiveClient.connect(service, staff);
    const seenBeforeDrop: Frame[] = [];
    first.socket.on('message', () => {
      const notifications = first.notifications();
      if (seenBeforeDrop.length === 0 && notifications.length >= 37) {
        seenBeforeDrop.push(...notifications.slice(0, 37));
        first.socket.terminate();
      }
    });
    await relay.orders(...events);
    await eventually(() => expect(seenBeforeDrop).toHaveLength(37));
    const cursor = seenBeforeDrop[36].cursor!;

    const second = await LiveClient.connect(service, staff, cursor);
    await eventually(() => expect(second.notifications().length).toBeGreaterThanOrEqual(63));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const resumed = second.notifications();

    const union = [...seenBeforeDrop, ...resumed];
    expect(union.map((f) => f.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
    // One gapless sequence for the shop's inbox, in order, nothing twice.
    expect(union.map((f) => f.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(union.map((f) => f.audience))).toEqual(new Set([`shop:${shop}`]));
    // Each order's events in the order its log recorded them.
    const versionOf = new Map(events.map((e) => [e.eventId, e.streamVersion]));
    for (const order of orders) {
      const versions = union.filter((f) => f.data?.orderId === order.orderId).map((f) => versionOf.get(f.eventId!));
      expect(versions).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    }
    await second.close();
  });

  it('delivers an entry too large to travel in its NOTIFY, in its place between small ones', async () => {
    const shop = uniqueName('shop');
    const staff = { role: 'staff' as const, shopId: shop, sub: 'alice' };
    const client = await LiveClient.connect(service, staff);
    const order = newOrder(shop);
    const large = order.placed();
    // A shop's wedding order: 80 arrangements, each with its own name. The entry outgrows a NOTIFY.
    (large.data as { items: unknown[] }).items = Array.from({ length: 80 }, (_, i) => ({
      sku: `WED-${i}`,
      name: `Table ${i + 1}: white peonies, eucalyptus and ranunculus in a low glass bowl`,
      quantity: 1,
    }));
    expect(JSON.stringify(large.data).length).toBeGreaterThan(8_000);

    // Alone first: no later notice may be what makes the replica read it.
    await relay.orders(large);
    await eventually(() => expect(client.notifications().map((f) => f.eventType)).toEqual(['OrderPlaced']));
    await relay.orders(order.accepted(), order.productionStarted());
    await eventually(() => expect(client.notifications().map((f) => f.eventType)).toEqual(['OrderPlaced', 'OrderAccepted', 'ProductionStarted']));
    expect(client.notifications().map((f) => f.seq)).toEqual([1, 2, 3]);
    expect((client.notifications()[0].data as { items: unknown[] }).items).toHaveLength(80);
    await client.close();
  });

  it('starts a client without a cursor live, and tells a client with an unreadable cursor to reload', async () => {
    const shop = uniqueName('shop');
    const staff = { role: 'staff' as const, shopId: shop, sub: 'alice' };
    const before = newOrder(shop);
    const dispatcher = await LiveClient.connect(service, { role: 'dispatcher', shopId: shop, sub: 'dana' });
    await relay.orders(before.placed());
    await eventually(() => expect(dispatcher.notifications()).toHaveLength(1));

    const fresh = await LiveClient.connect(service, staff);
    const garbled = await LiveClient.connect(service, staff, 'not-a-cursor');
    const after = newOrder(shop);
    await relay.orders(after.placed());
    await eventually(() => expect(fresh.eventIds()).toHaveLength(1));
    expect(fresh.notifications()[0]).toMatchObject({ seq: 2, data: { orderId: after.orderId } });
    await eventually(() => expect(garbled.eventIds()).toHaveLength(1));
    expect(garbled.of('reset')).toEqual(expect.arrayContaining([expect.objectContaining({ audience: `shop:${shop}`, reason: 'unknown_cursor' })]));
    await Promise.all([dispatcher.close(), fresh.close(), garbled.close()]);
  });

  async function streamTicket(token: string): Promise<string> {
    const response = await fetch(`${service.url}/stream-tickets`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(201);
    return ((await response.json()) as { ticket: string }).ticket;
  }

  it('resumes a Server-Sent Events reader from its Last-Event-ID with exactly what it missed', async () => {
    const shop = uniqueName('shop');
    const token = tokens.sign({ role: 'dispatcher', shopId: shop, sub: 'dana' });
    const order = newOrder(shop);
    const before = [order.placed(), order.accepted(), order.productionStarted()];
    const after = [order.finished(), order.assigned('li'), order.outForDelivery('li'), order.delivered('li')];

    const first = await SseClient.open(service, { header: token });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await eventually(() => expect(first.events.map((e) => e.event)).toContain('welcome'));
    await relay.orders(...before);
    await eventually(() => expect(first.notifications()).toHaveLength(3));
    const lastEventId = first.lastEventId();
    first.close();

    await relay.orders(...after);
    // EventSource cannot set headers: it opens the stream with a one-time ticket instead.
    const second = await SseClient.open(service, { ticket: await streamTicket(token) }, { lastEventId });
    await eventually(() => expect(second.notifications()).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const union = [...first.notifications(), ...second.notifications()];
    expect(union.map((f) => f.eventId)).toEqual([...before, ...after].map((e) => e.eventId));
    expect(union.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(second.events.filter((e) => e.event === 'notification').every((e) => e.id === e.data.cursor)).toBe(true);
    second.close();
  });

  it('refuses a Server-Sent Events reader without a valid token or ticket, and a token in the URL', async () => {
    const forged = await fetch(`${service.url}/sse`, { headers: { authorization: 'Bearer forged' } });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    expect((await fetch(`${service.url}/sse`)).status).toBe(401);

    const token = tokens.sign({ role: 'dispatcher', shopId: uniqueName('shop'), sub: 'dana' });
    const inUrl = await fetch(`${service.url}/sse?access_token=${token}`);
    expect(inUrl.status).toBe(401);
    expect(await inUrl.json()).toMatchObject({ code: 'TOKEN_IN_URL' });

    // A ticket opens one stream, once.
    const ticket = await streamTicket(token);
    const first = await SseClient.open(service, { ticket });
    expect(first.response.status).toBe(200);
    first.close();
    const again = await SseClient.open(service, { ticket });
    expect(again.response.status).toBe(401);
    expect(await again.response.json()).toMatchObject({ code: 'TICKET_INVALID' });
    const ticketWithoutToken = await fetch(`${service.url}/stream-tickets`, { method: 'POST' });
    expect(ticketWithoutToken.status).toBe(401);
  });

  it('parks a poison event on the dead-letter topic and delivers the next one', async () => {
    const shop = uniqueName('shop');
    const staff = await LiveClient.connect(service, { role: 'staff', shopId: shop, sub: 'alice' });
    const order = newOrder(shop);
    const placed = order.placed();
    // Poison ahead of the real event on its own partition: an OrderPlaced that violates its schema.
    const poison = { ...placed, eventId: randomUUID(), data: { orderId: order.orderId } };
    await relay.raw('orders.events', [
      { key: placed.streamId, value: JSON.stringify(poison) },
      { key: placed.streamId, value: JSON.stringify(placed) },
    ]);
    await eventually(() => expect(staff.eventIds()).toEqual([placed.eventId]));
    await relay.deadLetters('petalpost.notifications.push', (parked) => {
      const ours = parked.find((m) => m.value.includes(poison.eventId));
      expect(ours).toBeDefined();
      expect(ours!.headers['dlq-error']).toMatch(/violates its schema/);
    });
    await staff.close();
  });

  it('tells a client whose cursor points into entries past retention to reload, then serves what is kept', async () => {
    const shop = uniqueName('shop');
    const staff = { role: 'staff' as const, shopId: shop, sub: 'alice' };
    const order = newOrder(shop);
    const first = await LiveClient.connect(service, staff);
    await relay.orders(order.placed(), order.accepted(), order.productionStarted());
    await eventually(() => expect(first.notifications()).toHaveLength(3));
    const cursorAfterFirst = first.notifications()[0].cursor!;
    await first.close();

    // The first two entries age past the 72 hours kept; the retention sweep drops them.
    await service.app
      .get(DataSource)
      .query(`UPDATE inbox_entries SET created_at = now() - interval '73 hours' WHERE audience = $1 AND seq <= 2`, [`shop:${shop}`]);
    expect(await service.app.get<RetentionSweep>(INBOX_RETENTION).sweep()).toBeGreaterThanOrEqual(2);

    const second = await LiveClient.connect(service, staff, cursorAfterFirst);
    await eventually(() => expect(second.notifications()).toHaveLength(1));
    expect(second.frames.filter((f) => f.type !== 'welcome').map((f) => [f.type, f.seq ?? f.reason])).toEqual([
      ['reset', 'retention'],
      ['notification', 3],
    ]);
    await second.close();
  });

  it('counts the inbox listener and the rider positions consumer in its readiness', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    const { details } = (await response.json()) as { details: { processors: Record<string, { ready: boolean }> } };
    expect(details.processors['inbox-listener']).toMatchObject({ ready: true });
    expect(Object.entries(details.processors).filter(([name]) => name.includes('.positions.'))).toEqual([
      [expect.any(String), expect.objectContaining({ ready: true })],
    ]);
  });

  it('forgets an erased recipient’s contact: a client reading the inbox afterwards gets null, also for an older event consumed late', async () => {
    const shop = uniqueName('shop');
    const person = uniqueName('person');
    const staff = { role: 'staff' as const, shopId: shop, sub: 'alice' };
    const [order, late] = [newOrder(shop, { recipientPersonId: person }), newOrder(shop, { recipientPersonId: person })];
    const listening = await LiveClient.connect(service, staff);
    await relay.orders(order.placed());
    await eventually(() => expect(listening.notifications()).toHaveLength(1));
    expect(listening.notifications()[0].data).toMatchObject({ recipient: { phone: '+31 6 8765 4321' } });

    await relay.orders(personErased(shop, person, at));
    await eventually(() => expect(listening.notifications()).toHaveLength(2));
    // Published before the erasure, on another partition: it arrives after it.
    await relay.orders(late.placed());
    await eventually(() => expect(listening.notifications()).toHaveLength(3));
    expect(listening.notifications()[2].data).toMatchObject({ orderId: late.orderId, recipient: null });

    const rereading = await LiveClient.connect(service, staff, encodeCursor({ [`shop:${shop}`]: 0 }));
    await eventually(() => expect(rereading.notifications()).toHaveLength(3));
    expect(rereading.notifications()[0].data).toMatchObject({ orderId: order.orderId, recipientPersonId: person, recipient: null });
    expect(JSON.stringify(rereading.frames)).not.toContain('8765');
    await Promise.all([listening.close(), rereading.close()]);
  });
});
