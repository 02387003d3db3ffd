import { TOPICS } from '@petalpost/contracts';
import { createTestNamespace, customerTokenForgery, eventually, uniqueName } from '@petalpost/testing';
import {
  LiveClient,
  newOrder,
  type Notifications,
  refusedSocket,
  relayStandIn,
  type Relay,
  startNotifications,
  waitUntilConsuming,
} from '../notifications.fixture';

/**
 * Rider positions: never stored, coalesced per connection to the latest per rider, shown to the
 * rider's shop (a customer follows their rider on the tracking page, not here).
 */
describe('rider positions', () => {
  let service: Notifications;
  let relay: Relay;
  let tick = 0;

  /** Positions of one rider, each later (and a little further north) than the last sent. */
  const positionsOf = (shopId: string, riderId: string, count: number) =>
    Array.from({ length: count }, () => {
      tick++;
      return { riderId, shopId, lat: 52 + tick / 1e6, lng: 5.12, speed: 4.2, recordedAt: new Date(Date.UTC(2026, 1, 14, 12, 0, 0, tick)).toISOString() };
    });
  const send = (positions: ReturnType<typeof positionsOf>) =>
    relay.raw(
      TOPICS.riderLocations.name,
      positions.map((p) => ({ key: p.riderId, value: JSON.stringify(p) })),
    );
  const positions = (client: LiveClient) => client.of('position');
  /** Until the client shows a position at least as recent as the last one sent (the first may precede the consumer's start). */
  const sendUntilSeen = async (client: LiveClient, shopId: string, riderId: string) =>
    eventually(async () => {
      const [latest] = positionsOf(shopId, riderId, 1);
      await send([latest]);
      await eventually(() => expect(positions(client).map((p) => p.recordedAt)).toContain(latest.recordedAt), 2_000);
      return latest;
    }, 20_000);

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

  it('gives a client that does not read a few recent positions and the latest, and every status notification', async () => {
    const shop = uniqueName('shop');
    const reading = await LiveClient.connect(service, { role: 'dispatcher', shopId: shop, sub: 'dana' });
    const stalled = await LiveClient.connect(service, { role: 'staff', shopId: shop, sub: 'alice' });
    await sendUntilSeen(reading, shop, 'li');
    await eventually(() => expect(positions(stalled).length).toBeGreaterThan(0));
    const positionsBefore = positions(stalled).length;

    stalled.socket.pause();
    const orders = Array.from({ length: 20 }, () => newOrder(shop));
    const burst = positionsOf(shop, 'li', 2_000);
    for (let i = 0; i < 20; i++) {
      await send(burst.slice(i * 100, (i + 1) * 100));
      await relay.orders(orders[i].placed());
    }
    const latest = burst[burst.length - 1];
    await eventually(() => {
      expect(reading.notifications()).toHaveLength(20);
      expect(positions(reading).at(-1)).toMatchObject({ recordedAt: latest.recordedAt, lat: latest.lat });
    }, 20_000);
    stalled.socket.resume();

    await eventually(() => {
      // The same inbox, so the same notifications in the same order as the client that kept reading.
      expect(stalled.eventIds()).toEqual(reading.eventIds());
      expect(positions(stalled).at(-1)).toMatchObject({ riderId: 'li', shopId: shop, recordedAt: latest.recordedAt, lat: latest.lat });
    });
    const received = positions(stalled).slice(positionsBefore);
    expect(received.length).toBeLessThan(40);
    const times = received.map((p) => p.recordedAt as string);
    expect([...times].sort()).toEqual(times);
    await Promise.all([reading.close(), stalled.close()]);
  });

  // A customer follows the rider carrying their order on the tracking page (/track), relative to the door; /ws takes no customer token.
  it('shows the shop its rider throughout the order’s life, and a customer token nothing (4401)', async () => {
    const shop = uniqueName('shop');
    const ours = newOrder(shop);
    const staff = await LiveClient.connect(service, { role: 'staff', shopId: shop, sub: 'alice' });
    const refusedBefore = await refusedSocket(service, customerTokenForgery(ours.orderId));
    expect(refusedBefore).toEqual({ code: 4401, frames: [] });

    await relay.orders(ours.placed(), ours.accepted(), ours.assigned('li'));
    await eventually(() => expect(staff.eventIds()).toHaveLength(3));
    await sendUntilSeen(staff, shop, 'li');

    await relay.orders(ours.outForDelivery('li'));
    await eventually(() => expect(staff.notifications().map((f) => f.eventType)).toContain('OutForDelivery'));
    const seen = await sendUntilSeen(staff, shop, 'li');
    expect(positions(staff).find((p) => p.recordedAt === seen.recordedAt)).toMatchObject({ riderId: 'li', shopId: shop, lat: seen.lat, lng: seen.lng });
    // While the rider carries the order, a customer token still hears nothing: no position, no frame at all.
    expect(await refusedSocket(service, customerTokenForgery(ours.orderId))).toEqual({ code: 4401, frames: [] });

    await relay.orders(ours.delivered('li'));
    await eventually(() => expect(staff.notifications().map((f) => f.eventType)).toContain('OrderDelivered'));
    await sendUntilSeen(staff, shop, 'li');
    await staff.close();
  });
});
