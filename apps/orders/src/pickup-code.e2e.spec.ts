import { developmentTokens, type Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, customerTokenForgery, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();
const hour = 3_600_000;

const roses = () => ({
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { from: new Date(Date.now() + 4 * hour).toISOString(), to: new Date(Date.now() + 6 * hour).toISOString() },
  buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
  recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } },
});

/** Another code of the same shape: what a rider holding the wrong label would type. */
const otherThan = (code: string) => (code[0] === '2' ? '3' : '2') + code.slice(1);

type Json = Record<string, unknown>;

describe('the pickup check: the rider reads the code off the label (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let shop: string;
  let staff: string;
  let florist: string;
  let dispatcher: string;
  let operator: string;
  let riderLi: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const call = async (method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const pickUp = (id: string, token: string, body?: unknown, headers?: Record<string, string>) => call('POST', `/orders/${id}/pickup`, token, body, headers);
  const eventsOf = async (orderId: string) =>
    Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`order-${orderId}`]))[0].n);

  /** A fresh order, ready on the shelf and assigned to rider li; its code as staff read it when placing it. */
  const readyForLi = async () => {
    const placed = await call('POST', '/orders', staff, roses());
    expect(placed.status).toBe(201);
    const id = placed.body.orderId as string;
    for (const [path, body] of [['accept'], ['production/start'], ['production/finish'], ['rider', { riderId: 'li' }]] as Array<[string, unknown?]>) {
      expect((await call('POST', `/orders/${id}/${path}`, staff, body)).status).toBe(200);
    }
    return { id, pickupCode: placed.body.pickupCode as string };
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
    shop = uniqueName('shop');
    staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    florist = as({ role: 'florist', shopId: shop, sub: 'flo' });
    dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dan' });
    operator = as({ role: 'operator', sub: 'olga' });
    riderLi = as({ role: 'rider', shopId: shop, sub: 'li' });
  });
  afterAll(() => service?.app.close());

  it('gives each order a short code for its label, shown to the shop and never to the rider, nor to a customer token', async () => {
    const { id, pickupCode } = await readyForLi();
    expect(pickupCode).toMatch(/^[2-9A-HJ-NP-Z]{5}$/);
    for (const reader of [staff, florist, dispatcher, operator]) {
      expect((await call('GET', `/orders/${id}`, reader)).body).toMatchObject({ orderId: id, pickupCode });
    }
    const { status, body } = await call('GET', `/orders/${id}`, riderLi);
    expect(status).toBe(200);
    expect(body).not.toHaveProperty('pickupCode');
    expect(JSON.stringify(body)).not.toContain(pickupCode);
    // A customer reads only the tracking page (/track); a customer token, as a tracking link used to carry, reads nothing here.
    const customer = await call('GET', `/orders/${id}`, customerTokenForgery(id));
    expect(customer.status).toBe(401);
    expect(JSON.stringify(customer.body)).not.toContain(pickupCode);
    const riderList = await eventually(async () => {
      const list = await call('GET', '/orders?limit=200', riderLi);
      expect(JSON.stringify(list.body)).toContain(id);
      return list.body;
    });
    expect(JSON.stringify(riderList)).not.toContain(pickupCode);
  });

  it('refuses the rider a missing or wrong code, changes and publishes nothing, and takes the right one', async () => {
    const kafka = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('probe') });
    const published: Array<{ type: string; streamVersion: number; raw: string }> = [];
    await consumer.subscribe({ topic: namespaced(TOPICS.ordersEvents.name, namespace), fromBeginning: true });
    try {
      const { id, pickupCode } = await readyForLi();
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (String(message.key) !== `order-${id}`) return;
          const value = JSON.parse(String(message.value)) as { type: string; streamVersion: number };
          published.push({ type: value.type, streamVersion: value.streamVersion, raw: String(message.value) });
        },
      });
      const before = await eventsOf(id);

      const missing = await pickUp(id, riderLi);
      expect(missing).toMatchObject({ status: 409, body: { code: 'PICKUP_CODE_REQUIRED', details: { status: 'ready' } } });
      const wrong = await pickUp(id, riderLi, { pickupCode: otherThan(pickupCode) });
      expect(wrong).toMatchObject({ status: 409, body: { code: 'PICKUP_CODE_WRONG', details: { status: 'ready', triesLeft: 4, state: { status: 'ready' } } } });
      expect(JSON.stringify(wrong.body)).not.toContain(pickupCode);
      // The state in a refusal is the rider's own view of the order: no price, no buyer.
      const riderView = (await call('GET', `/orders/${id}`, riderLi)).body;
      expect((wrong.body as { details: { state: unknown } }).details.state).toEqual(riderView);
      expect(riderView).not.toHaveProperty('price');
      expect(riderView).not.toHaveProperty('buyer');
      const malformed = await pickUp(id, riderLi, { pickupCode: 'O0I1' });
      expect(malformed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

      expect((await call('GET', `/orders/${id}`, staff)).body).toMatchObject({ status: 'ready', version: before });
      expect(await eventsOf(id)).toBe(before);

      // Read off the label, in whatever case the rider types it.
      const right = await pickUp(id, riderLi, { pickupCode: pickupCode.toLowerCase() });
      expect(right).toMatchObject({ status: 200, body: { status: 'out_for_delivery', riderId: 'li', version: before + 1 } });
      expect(right.body).not.toHaveProperty('pickupCode');

      // The relay publishes in stream order: once OutForDelivery is out, anything the refusals appended would be too.
      await eventually(() => expect(published.map((m) => m.type)).toContain('OutForDelivery'));
      expect(published.map((m) => [m.type, m.streamVersion])).toEqual([
        ['OrderPlaced', 1],
        ['OrderAccepted', 2],
        ['ProductionStarted', 3],
        ['ArrangementFinished', 4],
        ['RiderAssigned', 5],
        ['OutForDelivery', 6],
      ]);
      for (const message of published) expect(message.raw).not.toContain(pickupCode);
    } finally {
      await consumer.disconnect();
    }
  });

  it('never hands the code back in a refusal, not even for a stale If-Match', async () => {
    const { id, pickupCode } = await readyForLi();
    const early = await call('POST', `/orders/${id}/delivery`, riderLi, { outcome: { kind: 'recipient' } });
    expect(early).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_OUT_FOR_DELIVERY', details: { state: { status: 'ready' } } } });
    expect(JSON.stringify(early.body)).not.toContain(pickupCode);
    const stale = await pickUp(id, riderLi, { pickupCode }, { 'if-match': '"1"' });
    expect(stale).toMatchObject({ status: 412, body: { code: 'STALE_VERSION', details: { currentVersion: 5, state: { status: 'ready' } } } });
    expect(JSON.stringify(stale.body)).not.toContain(pickupCode);
  });

  it('after five wrong codes refuses the rider even the right one, however fast they guess, until the shop hands the order over', async () => {
    const { id, pickupCode } = await readyForLi();
    const before = await eventsOf(id);
    const guesses = await Promise.all(Array.from({ length: 10 }, () => pickUp(id, riderLi, { pickupCode: otherThan(pickupCode) })));
    const codes = guesses.map((g) => [g.status, g.body.code]);
    expect(codes.filter(([, code]) => code === 'PICKUP_CODE_WRONG')).toHaveLength(5);
    expect(codes.filter(([, code]) => code === 'PICKUP_CODE_LOCKED')).toHaveLength(5);
    expect(new Set(guesses.map((g) => g.status))).toEqual(new Set([409]));

    expect(await pickUp(id, riderLi, { pickupCode })).toMatchObject({ status: 409, body: { code: 'PICKUP_CODE_LOCKED', details: { status: 'ready' } } });
    expect(await eventsOf(id)).toBe(before);

    // At the counter, staff check the label and hand the flowers over themselves.
    expect(await pickUp(id, staff)).toMatchObject({ status: 200, body: { status: 'out_for_delivery', riderId: 'li' } });
  });

  it('lets a dispatcher hand an order over without the code, but checks a code they give', async () => {
    const { id, pickupCode } = await readyForLi();
    expect(await pickUp(id, dispatcher, { pickupCode: otherThan(pickupCode) })).toMatchObject({ status: 409, body: { code: 'PICKUP_CODE_WRONG' } });
    expect(await pickUp(id, dispatcher, {})).toMatchObject({ status: 200, body: { status: 'out_for_delivery' } });
  });

  it('documents the code on the pickup route', async () => {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const body = document.paths['/orders/{orderId}/pickup'].post.requestBody?.content['application/json'].schema;
    const schema = body?.$ref ? document.components.schemas[body.$ref.split('/').pop()!] : body;
    expect(schema).toMatchObject({ properties: { pickupCode: expect.objectContaining({ type: 'string' }) } });
  });
});
