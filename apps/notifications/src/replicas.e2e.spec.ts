import { mayReceive, type Principal } from '@petalpost/auth';
import type { IntegrationEvent } from '@petalpost/contracts';
import type { ProcessorStatus } from '@petalpost/platform';
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
} from './notifications.fixture';

const handledBy = (service: Notifications) =>
  Number((service.app.get<{ status(): ProcessorStatus }>('IntegrationEventsConsumer').status().details ?? {}).handled);

/**
 * Two replicas of the service share one consumer group and one database: whichever consumes an
 * event, every client — connected to either — gets each of its notifications exactly once.
 */
describe('two replicas', () => {
  let replicas: Notifications[];
  let relay: Relay;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    const schema = uniqueName('notifications');
    // One after the other: the first runs the migrations the second then finds done.
    const first = await startNotifications(namespace, { DATABASE_SCHEMA: schema });
    const second = await startNotifications(namespace, { DATABASE_SCHEMA: schema });
    replicas = [first, second];
    relay = await relayStandIn(namespace);
    await waitUntilConsuming(first, relay);
  });
  afterAll(async () => {
    await relay?.disconnect();
    await Promise.all((replicas ?? []).map((r) => r.app.close()));
  });

  it('delivers each notification exactly once to clients on either replica, whichever replica consumed it', async () => {
    const shop = uniqueName('shop');
    const orders = Array.from({ length: 16 }, () => newOrder(shop));
    const events: IntegrationEvent[] = orders.flatMap((o, i) => [
      o.placed(),
      o.accepted(),
      o.productionStarted(),
      o.finished(),
      o.assigned(i % 2 === 0 ? 'li' : 'mo'),
      o.outForDelivery(i % 2 === 0 ? 'li' : 'mo'),
      ...(i % 4 === 0 ? [o.exceptionFlagged()] : []),
      o.delivered(i % 2 === 0 ? 'li' : 'mo'),
    ]);
    const [a, b] = replicas;
    const people: Array<[Notifications, Principal]> = [
      [a, { role: 'staff', shopId: shop, sub: 'alice' }],
      [a, { role: 'operator', sub: 'olga' }],
      [a, { role: 'rider', shopId: shop, sub: 'li' }],
      [b, { role: 'staff', shopId: shop, sub: 'bob' }],
      [b, { role: 'operator', sub: 'oscar' }],
      [b, { role: 'florist', shopId: shop, sub: 'fay' }],
      [b, { role: 'dispatcher', shopId: shop, sub: 'dana' }],
    ];
    // Customers follow their orders on the tracking page: neither replica takes a customer token.
    expect(await refusedSocket(a, customerTokenForgery(orders[1].orderId))).toEqual({ code: 4401, frames: [] });
    expect(await refusedSocket(b, customerTokenForgery(orders[0].orderId))).toEqual({ code: 4401, frames: [] });
    const clients = await Promise.all(people.map(([replica, principal]) => LiveClient.connect(replica, principal)));
    const handledBefore = replicas.map(handledBy);

    await relay.orders(...events);

    const ours = new Set(events.map((e) => e.eventId));
    const expected = people.map(([, principal]) => events.filter((e) => mayReceive(principal, e)).map((e) => e.eventId));
    await eventually(
      () => clients.forEach((client, i) => expect(client.eventIds().filter((id) => ours.has(id)).length).toBeGreaterThanOrEqual(expected[i].length)),
      30_000,
    );
    // Anything doubled would arrive right behind: give it the time to.
    await new Promise((resolve) => setTimeout(resolve, 500));

    clients.forEach((client, i) => {
      const received = client.eventIds().filter((id) => ours.has(id));
      expect(received.sort()).toEqual([...expected[i]].sort());
      for (const audience of new Set(client.notifications().map((f) => f.audience))) {
        const seqs = client
          .notifications()
          .filter((f) => f.audience === audience)
          .map((f) => f.seq!);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => seqs[0] + k));
      }
    });
    expect(expected.every((ids) => ids.length > 0)).toBe(true);
    // Both replicas consumed part of the burst: half the clients were told by the other one's writes.
    const handledNow = replicas.map(handledBy);
    expect(handledNow[0] - handledBefore[0]).toBeGreaterThan(0);
    expect(handledNow[1] - handledBefore[1]).toBeGreaterThan(0);
    expect(handledNow[0] - handledBefore[0] + handledNow[1] - handledBefore[1]).toBe(events.length);
    await Promise.all(clients.map((c) => c.close()));
  });

  it('closes its sockets with 1001 when a replica stops, and the other replica resumes its clients from their cursors', async () => {
    const shop = uniqueName('shop');
    const staff: Principal = { role: 'staff', shopId: shop, sub: 'alice' };
    const [a, b] = replicas;
    const order = newOrder(shop);
    const onB = await LiveClient.connect(b, staff);
    await relay.orders(order.placed(), order.accepted());
    await eventually(() => expect(onB.notifications()).toHaveLength(2));
    const closed = new Promise<number>((resolve) => onB.socket.once('close', (code) => resolve(code)));

    await b.app.close();
    replicas = [a];
    expect(await closed).toBe(1001);
    const missed = [order.productionStarted(), order.finished(), order.assigned('li')];
    await relay.orders(...missed);

    const onA = await LiveClient.connect(a, staff, onB.cursor());
    await eventually(() => expect(onA.eventIds()).toEqual(missed.map((e) => e.eventId)), 30_000);
    expect(onA.notifications().map((f) => f.seq)).toEqual([3, 4, 5]);
    await onA.close();
  });
});
