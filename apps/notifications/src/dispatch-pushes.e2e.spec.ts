import { randomUUID } from 'node:crypto';
import type { Principal } from '@petalpost/auth';
import { type IntegrationEvent, TOPICS } from '@petalpost/contracts';
import {
  createTestNamespace,
  customerTokenForgery,
  eventually,
  outForDeliveryOnTheWire,
  type ServiceProcess,
  startServiceProcess,
  uniqueName,
} from '@petalpost/testing';
import {
  type Frame,
  LiveClient,
  type Notifications,
  refusedSocket,
  relayStandIn,
  type Relay,
  startNotifications,
  tokens,
  waitUntilConsuming,
} from './notifications.fixture';

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const door = { lat: 52.09, lng: 5.12 };

/**
 * Dispatch's predictions reach exactly those who may hear them: the real dispatch service (its own
 * process, as `npm start` runs it) follows orders.events, estimates and flags, publishes on
 * dispatch.events, and each party's app hears it over a real WebSocket.
 */
describe('ETAs, at-risk and late deliveries, pushed (dispatch → Kafka → notifications)', () => {
  let service: Notifications;
  let dispatch: ServiceProcess;
  let relay: Relay;
  const clients: LiveClient[] = [];

  const connect = async (principal: Principal) => {
    const client = await LiveClient.connect(service, principal);
    clients.push(client);
    return client;
  };
  const heard = (client: LiveClient, type: string, orderId: string): Frame[] =>
    client.notifications().filter((f) => f.eventType === type && f.data?.orderId === orderId);
  const toDispatch = async (principal: Principal, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${dispatch.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.sign(principal)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** An order of `shopId` out for delivery with `riderId`, to the door, in `window`. */
  const onTheRoad = async (shopId: string, riderId: string, window: { from: string; to: string }) => {
    const { orderId, events } = outForDeliveryOnTheWire(shopId, riderId, door, window);
    await relay.orders(...events);
    return orderId;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    [service, dispatch] = await Promise.all([
      startNotifications(namespace),
      startServiceProcess('dispatch', { KAFKA_NAMESPACE: namespace, ETA_REFRESH_SECONDS: '1', ETA_RIDER_DEBOUNCE_SECONDS: '0.2' }),
    ]);
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(service, relay);
    await untilDispatchConsumesOrders();
    await untilConsumingDispatchEvents();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await relay?.disconnect();
    await Promise.all([dispatch?.stop(), service?.app.close()]);
  });

  /** Dispatch's new consumer group starts at the end of orders.events: place orders until its board shows one. */
  async function untilDispatchConsumesOrders(): Promise<void> {
    const shopId = uniqueName('probe');
    await eventually(async () => {
      await onTheRoad(shopId, 'probe', { from: minutesFromNow(600), to: minutesFromNow(660) });
      await eventually(
        async () => expect((await toDispatch({ role: 'dispatcher', shopId, sub: 'probe' }, 'GET', '/deliveries')).body.items).not.toEqual([]),
        2_000,
      );
    }, 30_000);
  }

  /** Ours starts at the end of dispatch.events as well: probe each partition until an operator hears it. */
  async function untilConsumingDispatchEvents(): Promise<void> {
    const operator = await LiveClient.connect(service, { role: 'operator', sub: 'probe' });
    try {
      for (let partition = 0; partition < TOPICS.dispatchEvents.partitions; partition++) {
        await eventually(async () => {
          const probe = riderRegistered(uniqueName('probe'));
          await relay.raw(TOPICS.dispatchEvents.name, [{ key: probe.streamId, value: JSON.stringify(probe), partition }]);
          await eventually(() => expect(operator.eventIds()).toContain(probe.eventId), 2_000);
        }, 30_000);
      }
    } finally {
      await operator.close();
    }
  }

  it('warns the shop’s staff and dispatchers, as critical, of a delivery whose window closed; never its customer or a florist', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('li');
    const [staff, dispatcher, florist, otherShop] = await Promise.all([
      connect({ role: 'staff', shopId: shop, sub: 'alice' }),
      connect({ role: 'dispatcher', shopId: shop, sub: 'carol' }),
      connect({ role: 'florist', shopId: shop, sub: 'fay' }),
      connect({ role: 'dispatcher', shopId: uniqueName('shop'), sub: 'dan' }),
    ]);
    // The window closes only once dispatch's board has the whole order: a sweep between its events
    // would flag a delivery late before its rider is known, which a real order (late only long after
    // it was assigned) never is.
    const closesAt = Date.now() + 8_000;
    const { orderId, events } = outForDeliveryOnTheWire(shop, rider, door, { from: minutesFromNow(-90), to: new Date(closesAt).toISOString() });
    await relay.orders(...events);
    await eventually(async () => {
      const board = await toDispatch({ role: 'dispatcher', shopId: shop, sub: 'carol' }, 'GET', '/deliveries');
      expect(board.body.items).toEqual([expect.objectContaining({ orderId, riderId: rider })]);
    }, 6_000);
    expect(Date.now()).toBeLessThan(closesAt);

    const [late] = await eventually(() => {
      expect(heard(staff, 'DeliveryLate', orderId)).toHaveLength(1);
      expect(heard(dispatcher, 'DeliveryLate', orderId)).toHaveLength(1);
      return heard(staff, 'DeliveryLate', orderId);
    }, 20_000);
    expect(late).toMatchObject({ critical: true, data: { orderId, shopId: shop, riderId: rider } });
    // The others have had the same time (and the order's own events) to hear it.
    await eventually(() => expect(heard(florist, 'OrderAccepted', orderId)).toHaveLength(1));
    for (const client of [florist, otherShop]) expect(heard(client, 'DeliveryLate', orderId)).toEqual([]);
    // The customer follows the order on the tracking page; a customer token (what a tracking link used to carry) hears nothing.
    expect(await refusedSocket(service, customerTokenForgery(orderId))).toEqual({ code: 4401, frames: [] });
  });

  it('tells the shop’s dispatcher the ETA as the rider moves, and no other shop; a customer token hears nothing', async () => {
    const shop = uniqueName('shop');
    const rider = uniqueName('li');
    const [dispatcher, otherShop] = await Promise.all([
      connect({ role: 'dispatcher', shopId: shop, sub: 'carol' }),
      connect({ role: 'dispatcher', shopId: uniqueName('shop'), sub: 'dan' }),
    ]);
    const orderId = await onTheRoad(shop, rider, { from: minutesFromNow(-30), to: minutesFromNow(240) });
    await eventually(() => expect(heard(dispatcher, 'OutForDelivery', orderId)).toHaveLength(1), 20_000);
    // The customer sees the ETA on the tracking page; a customer token (what a tracking link used to carry) is refused.
    expect(await refusedSocket(service, customerTokenForgery(orderId))).toEqual({ code: 4401, frames: [] });

    // 5 km out on a bicycle: about 26 minutes.
    const report = await toDispatch({ role: 'rider', shopId: shop, sub: rider }, 'POST', '/riders/me/positions', {
      positions: [{ lat: door.lat, lng: door.lng + 5 / 68.5, accuracy: 5, recordedAt: new Date().toISOString() }],
    });
    expect(report.status).toBe(202);
    const [eta] = await eventually(() => {
      expect(heard(dispatcher, 'EtaUpdated', orderId).length).toBeGreaterThan(0);
      return heard(dispatcher, 'EtaUpdated', orderId);
    }, 20_000);
    const minutes = (Date.parse(eta.data!.eta as string) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(15);
    expect(minutes).toBeLessThan(40);
    expect(eta).toMatchObject({ critical: false, data: { orderId } });
    expect(heard(otherShop, 'EtaUpdated', orderId)).toEqual([]);
    expect(heard(dispatcher, 'DeliveryAtRisk', orderId)).toEqual([]);
  });
});

function riderRegistered(shopId: string): IntegrationEvent {
  const riderId = randomUUID();
  const occurredAt = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type: 'RiderRegistered',
    schemaVersion: 1,
    streamId: `rider-${riderId}`,
    streamVersion: 1,
    shopId,
    data: { riderId, shopId, shopIds: [shopId], name: 'Probe', vehicle: { kind: 'bicycle', capacity: 4 }, registeredAt: occurredAt },
    metadata: { correlationId: randomUUID(), occurredAt },
  };
}
