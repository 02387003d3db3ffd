import { developmentTokens, type Principal } from '@petalpost/auth';
import { CONSUMER_GROUPS, type IntegrationEvent, namespaced, type RecipientContact, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, orderOnTheWire, personErased, rosesPlaced, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const window = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
const at = '2026-02-14T09:00:00.000Z';
const alex = {
  name: 'Alex Recipient',
  phone: '+31 6 8765 4321',
  address: { text: 'Lindenlaan 3, Utrecht', geo: { lat: 52.09, lng: 5.12 }, notes: 'Blue door' },
};
const kim = { name: 'Kim Other', address: { text: 'Oudegracht 12, Utrecht', ward: 'C2', room: '7' } };

type View = Record<string, unknown> & { orderId: string };

/**
 * The dispatch board as its readers see it over HTTP, fed by integration events produced to the
 * namespaced orders.events exactly as the orders relay produces them (envelope, key = stream id, headers).
 */
describe('dispatch board (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let topic: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const board = async (token: string, query = ''): Promise<{ status: number; items: View[] }> => {
    const response = await fetch(`${service.url}/deliveries${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { items: View[] };
    return { status: response.status, items: body.items };
  };
  const rowOf = async (token: string, orderId: string) => (await board(token)).items.find((d) => d.orderId === orderId);
  const handled = async (event: IntegrationEvent) =>
    // The board's group: other groups of the service (planning) take the same events.
    (
      await service.app
        .get(DataSource)
        .query(`SELECT 1 FROM inbox WHERE message_id = $1 AND group_id LIKE $2`, [event.eventId, `%${CONSUMER_GROUPS.dispatchOrders.group}`])
    ).length === 1;

  /** One order's stream: each event numbered after the last, as the orders log numbers them. */
  const newOrder = (shopId: string, recipientPersonId: string | null = uniqueName('person'), recipient: RecipientContact | null = alex) => {
    const { orderId, ref, next } = orderOnTheWire(shopId, { occurredAt: () => at });
    return {
      orderId,
      recipientPersonId,
      placed: () => next({ type: 'OrderPlaced', data: rosesPlaced(ref, { deliveryWindow: window, recipientPersonId, recipient, placedAt: at }) }),
      accepted: () => next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: at } }),
      finished: () => next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: at } }),
      assigned: (riderId: string) => next({ type: 'RiderAssigned', data: { ...ref, riderId, assignedAt: at } }),
      unassigned: (riderId: string) => next({ type: 'RiderUnassigned', data: { ...ref, riderId, unassignedAt: at } }),
      giftWrapped: () => next({ type: 'OrderGiftWrapped', data: { ...ref, wrappedAt: at } }),
    };
  };
  const erasure = (shopId: string, personId: string) => personErased(shopId, personId, at);
  const publish = (...events: IntegrationEvent[]) => publisher.publish(topic, events);

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    topic = namespaced(TOPICS.ordersEvents.name, namespace);
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace });
    publisher = new EventPublisher(new Kafka({ clientId: 'orders-relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }));
    await publisher.connect();
    // A new group starts at the log's end, which it learns on its first fetch, a moment after
    // joining: probe until an order shows, so no test's events fall before that end.
    const probeShop = uniqueName('shop');
    await eventually(async () => {
      await publish(newOrder(probeShop).placed());
      await eventually(async () => expect((await board(as({ role: 'dispatcher', shopId: probeShop }))).items.length).toBeGreaterThan(0), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('shows the shop’s dispatcher each delivery with its recipient, address, rider and status, and no other shop’s', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dana' });
    const order = newOrder(shop);
    await publish(order.placed(), order.accepted(), order.assigned('rita'));

    const row = await eventually(async () => {
      const found = await rowOf(dispatcher, order.orderId);
      expect(found).toMatchObject({ riderId: 'rita' });
      return found!;
    });
    expect(row).toEqual({
      orderId: order.orderId,
      shopId: shop,
      status: 'awaiting_assignment',
      windowFrom: '2026-02-14T12:00:00.000Z',
      windowTo: '2026-02-14T14:00:00.000Z',
      addressType: 'residence',
      doNotContactRecipient: false,
      bouquets: 1,
      riderId: 'rita',
      recipient: alex,
      // The window closed long ago: dispatch's next sweep flags it late, and the board says so from then on.
      risk: expect.stringMatching(/^(on_time|late)$/),
      ...(row.risk === 'late' ? { riskSince: expect.any(String) } : {}),
    });
    // Staff also see whose data it is; dispatchers do not need the person's id.
    expect(await rowOf(as({ role: 'staff', shopId: shop }), order.orderId)).toMatchObject({ recipient: alex, recipientPersonId: order.recipientPersonId });

    const otherShop = as({ role: 'dispatcher', shopId: uniqueName('shop') });
    expect((await board(otherShop)).items).toEqual([]);
    expect((await board(otherShop, `?shopId=${shop}`)).status).toBe(404);
    expect((await board(as({ role: 'florist', shopId: shop }))).status).toBe(403);
  });

  it('shows a rider only the deliveries assigned to them, and only while assigned', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
    const [ritas, rons, nobodys] = [newOrder(shop), newOrder(shop, uniqueName('person'), kim), newOrder(shop)];
    await publish(ritas.placed(), ritas.accepted(), ritas.assigned('rita'));
    await publish(rons.placed(), rons.accepted(), rons.assigned('ron'));
    await publish(nobodys.placed(), nobodys.accepted());
    await eventually(async () => {
      const items = (await board(dispatcher)).items;
      expect(items.map((d) => d.riderId).sort()).toEqual(['rita', 'ron', undefined]);
    });

    const seen = await board(rita);
    expect(seen.status).toBe(200);
    expect(seen.items).toEqual([expect.objectContaining({ orderId: ritas.orderId, riderId: 'rita', recipient: alex })]);
    expect((await board(as({ role: 'rider', shopId: uniqueName('shop'), sub: 'rita' }))).items).toEqual([]);

    await publish(ritas.unassigned('rita'));
    await eventually(async () => expect((await board(rita)).items).toEqual([]));
  });

  it('shows an erased recipient as "erased" and leaves another person’s delivery untouched', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const alexs = newOrder(shop);
    const kims = newOrder(shop, uniqueName('person'), kim);
    await publish(alexs.placed(), alexs.accepted());
    await publish(kims.placed(), kims.accepted());
    await eventually(async () => expect((await board(dispatcher)).items.filter((d) => d.status === 'awaiting_assignment')).toHaveLength(2));

    // The same person id erased in another shop is not this shop's recipient.
    const elsewhere = erasure(uniqueName('shop'), kims.recipientPersonId!);
    await publish(elsewhere);
    await eventually(async () => expect(await handled(elsewhere)).toBe(true));

    await publish(erasure(shop, alexs.recipientPersonId!));
    await eventually(async () => expect(await rowOf(dispatcher, alexs.orderId)).toMatchObject({ recipient: 'erased' }));
    expect(await rowOf(dispatcher, kims.orderId)).toMatchObject({ recipient: kim });
    const rows = await service.app
      .get(DataSource)
      .query(`SELECT recipient_name, recipient_phone, address_text, address_lat, address_lng, address_notes FROM deliveries WHERE order_id = $1`, [
        alexs.orderId,
      ]);
    expect(rows).toEqual([{ recipient_name: null, recipient_phone: null, address_text: null, address_lat: null, address_lng: null, address_notes: null }]);
  });

  it('keeps a recipient erased when an order event still carrying their data arrives after the erasure', async () => {
    // Erasures are keyed by person, orders by order: on different partitions, one may overtake the other.
    const shop = uniqueName('shop');
    const late = newOrder(shop);
    const erased = erasure(shop, late.recipientPersonId!);
    await publish(erased);
    await eventually(async () => expect(await handled(erased)).toBe(true));

    await publish(late.placed());
    await eventually(async () => expect(await rowOf(as({ role: 'dispatcher', shopId: shop }), late.orderId)).toMatchObject({ recipient: 'erased' }));
  });

  it('changes nothing when an event is delivered again', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const order = newOrder(shop);
    const assigned = order.assigned('rita');
    await publish(order.placed(), order.accepted(), assigned, order.unassigned('rita'));
    await eventually(async () => expect(await rowOf(dispatcher, order.orderId)).toMatchObject({ status: 'awaiting_assignment' }));

    // The relay publishing a batch again (or Kafka redelivering it) brings the very same message.
    await publish(assigned, order.finished());
    const row = await eventually(async () => {
      const found = await rowOf(dispatcher, order.orderId);
      expect(found).toMatchObject({ status: 'ready_for_pickup' });
      return found!;
    });
    expect(row.riderId).toBeUndefined();
  });

  it('skips an event type it does not know, and applies the order’s later events', async () => {
    const shop = uniqueName('shop');
    const order = newOrder(shop, null, null);
    await publish(order.placed(), order.giftWrapped(), order.accepted());
    const row = await eventually(async () => {
      const found = await rowOf(as({ role: 'dispatcher', shopId: shop }), order.orderId);
      expect(found).toMatchObject({ status: 'awaiting_assignment' });
      return found!;
    });
    // An order from before recipients were recorded names nobody: not erased, just absent.
    expect(row.recipient).toBeUndefined();
  });

  it('documents the board’s fields in its OpenAPI document', async () => {
    const document = JSON.stringify(await (await fetch(`${service.url}/docs/json`)).json());
    for (const field of ['recipient', 'riderId', 'addressType', 'deadline', 'doNotContactRecipient', 'ready_for_pickup', 'erased'])
      expect(document).toContain(`"${field}"`);
  });
});
