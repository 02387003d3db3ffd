import { developmentTokens, type Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();
const tomorrow = () => ({ from: new Date(Date.now() + 24 * 3_600_000).toISOString(), to: new Date(Date.now() + 26 * 3_600_000).toISOString() });

const orderOf = (customerId: string, buyerName: string, recipientName: string, card: string) => ({
  items: [{ sku: 'LILY-5', name: 'Five white lilies', quantity: 1 }],
  deliveryWindow: tomorrow(),
  buyer: { customerId, name: buyerName, email: `${customerId}@example.com` },
  recipient: { name: recipientName, phone: '+31 6 5555 0101', address: { text: `${recipientName}straat 9, Utrecht` } },
  cardMessage: card,
});

type Json = Record<string, unknown>;

/**
 * Crypto-shredding end to end: a person's erasure deletes their key; the log stays as it was
 * and everything that shows their data — the order, its audit trail, the list, the events
 * consumers see — says "erased" from then on, while the rest of the shop works on.
 */
describe('erasing a person (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let shop: string;
  let staff: string;
  let consumer: Consumer;
  const published: Array<{ key: string; value: Json }> = [];

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const place = async (body: unknown) => {
    const { status, body: view } = await call('POST', '/orders', staff, body);
    expect(status).toBe(201);
    return (await call('GET', `/orders/${view.orderId as string}`, staff)).body;
  };
  const listed = async (q: string) => (await call('GET', `/orders?shopId=${shop}&q=${encodeURIComponent(q)}`, staff)).body.items as Json[];

  // Sam ordered twice (one person across both orders); Pat once.
  let samFirst: Json;
  let samSecond: Json;
  let pats: Json;

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
    shop = uniqueName('shop');
    staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    consumer = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('probe') });
    await consumer.subscribe({ topic: namespaced(TOPICS.ordersEvents.name, namespace), fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void published.push({ key: String(message.key), value: JSON.parse(String(message.value)) }) });

    samFirst = await place(orderOf('c-17', 'Sam Sender', 'Robin Rose', 'Happy birthday Robin'));
    samSecond = await place(orderOf('c-17', 'Sam Sender', 'Kim Clover', 'Congratulations Kim'));
    pats = await place(orderOf('c-18', 'Pat Payer', 'Jo Jasmine', 'Thinking of you Jo'));
    await eventually(async () => expect(await listed('Robin')).toHaveLength(1));
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await service?.app.close();
  });

  it('never stores a name, phone, address or card text in the log in the clear', async () => {
    const rows: Array<{ data: string }> = await service.app
      .get(DataSource)
      .query(`SELECT data::text AS data FROM events WHERE stream_id = $1`, [`order-${samFirst.orderId}`]);
    expect(rows).toHaveLength(1);
    for (const secret of ['Sam Sender', 'Robin Rose', 'Robinstraat', '+31 6 5555', 'Happy birthday', 'c-17@example.com'])
      expect(rows[0].data).not.toContain(secret);
  });

  it('erases the buyer: both their orders show "erased" for them and their card, recipients and other buyers untouched', async () => {
    const erasure = await call('POST', `/people/${encodeURIComponent(samFirst.buyerPersonId as string)}/erasure`, staff);
    expect(erasure).toMatchObject({ status: 200, body: { personId: samFirst.buyerPersonId, alreadyErased: false } });

    for (const order of [samFirst, samSecond]) {
      const { body } = await call('GET', `/orders/${order.orderId}`, staff);
      expect(body).toMatchObject({ buyer: 'erased', cardMessage: 'erased', recipient: { name: expect.any(String) } });
    }
    expect((await call('GET', `/orders/${pats.orderId}`, staff)).body).toMatchObject({ buyer: { name: 'Pat Payer' }, cardMessage: 'Thinking of you Jo' });
  });

  it('shows the erased buyer as "erased" in the audit trail, whose events are all still there', async () => {
    const { body } = await call('GET', `/orders/${samFirst.orderId}/history`, staff);
    const [placed] = body.items as Array<{ type: string; data: Json }>;
    expect(placed).toMatchObject({ type: 'OrderPlaced', data: { buyer: 'erased', cardMessage: 'erased', recipient: { name: 'Robin Rose' } } });
    expect(JSON.stringify(body)).not.toContain('Sam Sender');
  });

  it('erases the recipient: the order, the list and its search show "erased" and forget the name', async () => {
    expect((await call('POST', `/people/${encodeURIComponent(samFirst.recipientPersonId as string)}/erasure`, staff)).status).toBe(200);
    expect((await call('GET', `/orders/${samFirst.orderId}`, staff)).body.recipient).toBe('erased');
    expect((await call('GET', `/orders/${samFirst.orderId}`, as({ role: 'dispatcher', shopId: shop }))).body.recipient).toBe('erased');

    await eventually(async () => expect(await listed('Robin')).toEqual([]));
    const all = (await call('GET', `/orders?shopId=${shop}`, staff)).body.items as Json[];
    expect(all.find((o) => o.orderId === samFirst.orderId)).toMatchObject({ recipientName: 'erased' });
    expect(all.find((o) => o.orderId === pats.orderId)).toMatchObject({ recipientName: 'Jo Jasmine' });
  });

  it('keeps the list "erased" after the projection is rebuilt from the log', async () => {
    const operator = as({ role: 'operator', sub: 'olga' });
    expect((await call('POST', '/admin/projections/order-summaries/rebuild', operator)).status).toBeLessThan(300);
    await eventually(async () => {
      const all = (await call('GET', `/orders?shopId=${shop}`, staff)).body.items as Json[];
      expect(all.find((o) => o.orderId === pats.orderId)).toMatchObject({ recipientName: 'Jo Jasmine' });
      expect(all.find((o) => o.orderId === samFirst.orderId)).toMatchObject({ recipientName: 'erased' });
    });
  });

  it('tells consumers on orders.events whom to forget, keyed by the person', async () => {
    const erasures = await eventually(() => {
      const found = published.filter((m) => m.value.type === 'PersonalDataErased');
      expect(found).toHaveLength(2);
      return found;
    });
    // Keyed by person, so two people's erasures may land on different partitions, in either order.
    expect(erasures.map((m) => m.key).sort()).toEqual([`person-${samFirst.buyerPersonId}`, `person-${samFirst.recipientPersonId}`].sort());
    const recipientErased = erasures.find((m) => m.key === `person-${samFirst.recipientPersonId}`);
    expect(recipientErased?.value.data).toEqual({ personId: samFirst.recipientPersonId, shopId: shop, erasedAt: expect.any(String) });
    // What went out before carried the recipient only, never the buyer or the card.
    const placedOut = published.find((m) => m.value.type === 'OrderPlaced' && (m.value.data as Json).orderId === samFirst.orderId);
    expect(JSON.stringify(placedOut)).not.toContain('Sam Sender');
    expect(JSON.stringify(placedOut)).not.toContain('Happy birthday');
  });

  it('answers a second erasure with alreadyErased and records nothing more', async () => {
    const again = await call('POST', `/people/${encodeURIComponent(samFirst.buyerPersonId as string)}/erasure`, staff);
    expect(again).toMatchObject({ status: 200, body: { alreadyErased: true } });
    const [{ n }] = await service.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM events WHERE type = 'PersonalDataErased' AND data->>'shopId' = $1`, [shop]);
    expect(n).toBe(2);
  });

  it('gives 404 to staff of another shop and 403 to other roles asking to erase someone', async () => {
    const otherStaff = as({ role: 'staff', shopId: uniqueName('shop'), sub: 'bob' });
    expect((await call('POST', `/people/${encodeURIComponent(pats.buyerPersonId as string)}/erasure`, otherStaff)).status).toBe(404);
    expect((await call('POST', `/people/${encodeURIComponent(pats.buyerPersonId as string)}/erasure`, as({ role: 'rider', shopId: shop }))).status).toBe(403);
    expect((await call('POST', '/people/nobody-we-know/erasure', staff)).status).toBe(404);
    expect((await call('GET', `/orders/${pats.orderId}`, staff)).body).toMatchObject({ buyer: { name: 'Pat Payer' } });
  });

  it('lets the order go on to delivery after its people are erased, and a corrected address is readable again', async () => {
    const id = samFirst.orderId as string;
    const rider = as({ role: 'rider', shopId: shop, sub: 'li' });
    for (const [path, token, body] of [
      ['accept', staff],
      ['production/start', staff],
      ['production/finish', staff],
      ['rider', staff, { riderId: 'li' }],
    ] as Array<[string, string, unknown?]>) {
      expect((await call('POST', `/orders/${id}/${path}`, token, body)).status).toBe(200);
    }
    const corrected = await call('POST', `/orders/${id}/address`, staff, { recipient: { name: 'Robin R.', address: { text: 'Nieuwe Gracht 1, Utrecht' } } });
    expect(corrected.status).toBe(200);
    expect(corrected.body.recipient).toMatchObject({ name: 'Robin R.' });
    const { pickupCode } = (await call('GET', `/orders/${id}`, staff)).body;
    expect((await call('POST', `/orders/${id}/pickup`, rider, { pickupCode })).status).toBe(200);
    const delivered = await call('POST', `/orders/${id}/delivery`, rider, { outcome: { kind: 'neighbour' }, receivedBy: 'Mr. Smit, no. 11' });
    expect(delivered).toMatchObject({ status: 200, body: { status: 'delivered', delivery: { receivedBy: 'Mr. Smit, no. 11' } } });
  });

  it('refuses to record an erased customer again under the same customer number, and appends nothing', async () => {
    const count = async () => Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events`))[0].n);
    const before = await count();
    const { status, body } = await call('POST', '/orders', staff, orderOf('c-17', 'Sam Sender', 'Lee Lavender', 'Hi Lee'));
    expect(status).toBe(409);
    expect(body.code).toBe('PERSON_ERASED');
    expect(await count()).toBe(before);
  });
});
