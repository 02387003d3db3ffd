import { AccessTokenSigner, DEVELOPMENT_KEY_ID, generateSigningKey, developmentTokens, type Principal } from '@petalpost/auth';
import { TOPICS, namespaced } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, startTestService, testInfra, uniqueName, eventually } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();
// Valentine's Day of next year: never over, and Amsterdam keeps +01:00 all month.
const valentines = `${new Date().getUTCFullYear() + 1}-02-14`;
const window = { from: `${valentines}T13:00:00+01:00`, to: `${valentines}T15:00:00+01:00` };
const roses = {
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: window,
  buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
  recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } },
  cardMessage: 'Happy birthday, love Sam',
};

describe('orders API (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let shop: string;
  let staff: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = (method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
  const eventCount = async () => Number((await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events`))[0].n);
  const place = async (token = staff, body: unknown = roses, headers?: Record<string, string>) => {
    const response = await call('POST', '/orders', token, body, headers);
    return { response, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
    shop = uniqueName('shop');
    staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
  });
  afterAll(() => service?.app.close());

  it('places an order for the staff member’s shop, records one event and publishes it to orders.events', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { response, body } = await place(staff, roses, { traceparent });
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(body).toMatchObject({ shopId: shop, status: 'placed', items: roses.items, version: 1 });

    const kafka = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('probe') });
    const seen: Array<{ key: string; value: Record<string, unknown>; headers: Record<string, string> }> = [];
    await consumer.subscribe({ topic: namespaced(TOPICS.ordersEvents.name, namespace), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: String(message.key),
          value: JSON.parse(String(message.value)),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    try {
      const published = await eventually(() => {
        const found = seen.find((m) => (m.value.data as { orderId?: string }).orderId === body.orderId);
        expect(found).toBeDefined();
        return found!;
      });
      expect(published.key).toBe(`order-${body.orderId}`);
      expect(published.value).toMatchObject({ type: 'OrderPlaced', schemaVersion: 2, shopId: shop, streamVersion: 1 });
      // The recipient goes out for delivery; the buyer's contact and the card's words never leave the service.
      expect(published.value.data).toMatchObject({ recipient: roses.recipient, recipientPersonId: expect.any(String) });
      expect(JSON.stringify(published.value)).not.toContain('Sam Buyer');
      expect(JSON.stringify(published.value)).not.toContain('Happy birthday');
      expect(published.headers['event-type']).toBe('OrderPlaced');
      // The request's correlation id and trace continue onto Kafka.
      expect(published.headers['correlation-id']).toBe(response.headers.get('x-correlation-id'));
      expect(published.headers.traceparent).toBe(traceparent);
    } finally {
      await consumer.disconnect();
    }
  });

  it('lets staff read their shop’s order, and answers 404 to another shop’s staff', async () => {
    const { body } = await place();
    const own = await call('GET', `/orders/${body.orderId}`, staff);
    expect(own.status).toBe(200);
    const other = await call('GET', `/orders/${body.orderId}`, as({ role: 'staff', shopId: uniqueName('shop') }));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('refuses callers without a valid token (401) and roles that may not place orders (403), appending nothing', async () => {
    const before = await eventCount();
    expect((await call('POST', '/orders', undefined, roses)).status).toBe(401);
    expect((await call('POST', '/orders', 'not-a-token', roses)).status).toBe(401);
    const forged = new AccessTokenSigner(generateSigningKey(DEVELOPMENT_KEY_ID)).sign({ role: 'staff', shopId: shop, sub: 'mallory' });
    expect((await call('POST', '/orders', forged, roses)).status).toBe(401);
    const rider = await call('POST', '/orders', as({ role: 'rider', shopId: shop }), roses);
    expect(rider.status).toBe(403);
    expect(await rider.json()).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect(await eventCount()).toBe(before);
  });

  it.each([
    ['malformed JSON', '{"items": [', {}, 400, 'MALFORMED_JSON'],
    ['an unknown field', { ...roses, colour: 'red' }, {}, 400, 'VALIDATION_FAILED'],
    ['a wrong type', { ...roses, items: 'roses' }, {}, 400, 'VALIDATION_FAILED'],
    ['a window that ends before it starts', { ...roses, deliveryWindow: { from: window.to, to: window.from } }, {}, 400, 'VALIDATION_FAILED'],
    ['an oversized body', { ...roses, reference: 'x'.repeat(300 * 1024) }, {}, 413, 'PAYLOAD_TOO_LARGE'],
    ['a body that is not JSON', 'items=roses', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('answers %s with a clear error and appends nothing', async (_case, body, headers, status, code) => {
    const before = await eventCount();
    const response = await call('POST', '/orders', staff, body, headers as Record<string, string>);
    expect(response.status).toBe(status);
    const error = (await response.json()) as Record<string, unknown>;
    expect(error).toMatchObject({ code, correlationId: expect.any(String) });
    expect(error.message).toEqual(expect.any(String));
    expect(await eventCount()).toBe(before);
  });

  it('names the offending field of an invalid body', async () => {
    const response = await call('POST', '/orders', staff, { ...roses, colour: 'red' });
    expect(((await response.json()) as { message: string }).message).toContain('colour');
  });

  it('returns the first result for a retried request with the same Idempotency-Key, appending nothing more', async () => {
    const first = await place(staff, roses, { 'idempotency-key': 'checkout-42' });
    const before = await eventCount();
    const retry = await place(staff, roses, { 'idempotency-key': 'checkout-42' });
    expect(retry.response.status).toBe(201);
    expect(retry.response.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.orderId).toBe(first.body.orderId);
    expect(await eventCount()).toBe(before);
    const reused = await place(staff, { ...roses, reference: 'other' }, { 'idempotency-key': 'checkout-42' });
    expect(reused.response.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('refuses unknown fields on every command, also those that take no body, appending nothing', async () => {
    const { body: order } = await place();
    const operator = as({ role: 'operator', sub: 'olga' });
    const before = await eventCount();
    const commands = [
      'accept',
      'reject',
      'cancel',
      'payment',
      'production/start',
      'production/photos',
      'production/finish',
      'rider',
      'rider/unassign',
      'pickup',
      'delivery',
      'delivery/carded',
      'delivery/reattempt',
      'delivery/failed',
      'delivery/reschedule',
      'return',
      'address',
      'window',
    ];
    for (const command of commands) {
      const response = await call('POST', `/orders/${order.orderId}/${command}`, staff, { status: 'delivered', force: true });
      expect({ command, status: response.status }).toEqual({ command, status: 400 });
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    for (const [path, token] of [
      [`/people/${order.buyerPersonId as string}/erasure`, staff],
      ['/admin/projections/order-summaries/rebuild', operator],
    ]) {
      const response = await call('POST', path, token, { force: true });
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
    }
    expect(await eventCount()).toBe(before);
    // No body at all, or an empty one, is still fine.
    expect((await call('POST', `/orders/${order.orderId}/accept`, staff)).status).toBe(200);
    expect((await call('POST', `/orders/${order.orderId}/payment`, staff, {})).status).toBe(200);
  });

  it('refuses to place an order whose delivery window has already ended, unless an operator imports it', async () => {
    const over = { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' };
    const before = await eventCount();
    const late = await place(staff, { ...roses, deliveryWindow: over });
    expect(late.response.status).toBe(400);
    expect(late.body).toMatchObject({ code: 'WINDOW_IN_THE_PAST' });
    const staffImport = await place(staff, { ...roses, deliveryWindow: over, import: true });
    expect(staffImport.response.status).toBe(403);
    expect(staffImport.body).toMatchObject({ code: 'IMPORT_OPERATORS_ONLY' });
    expect(await eventCount()).toBe(before);
    const imported = await place(as({ role: 'operator', sub: 'olga' }), { ...roses, shopId: shop, deliveryWindow: over, import: true });
    expect(imported.response.status).toBe(201);
    expect(imported.body).toMatchObject({ status: 'placed', deliveryWindow: over });
  });

  it('refuses an Idempotency-Key longer than 200 characters or outside printable ASCII with 400, appending nothing', async () => {
    const { body: order } = await place();
    const before = await eventCount();
    for (const key of ['k'.repeat(3000), 'k'.repeat(201), 'clé-42']) {
      for (const response of [
        await call('POST', '/orders', staff, roses, { 'idempotency-key': key }),
        await call('POST', `/orders/${order.orderId}/accept`, staff, undefined, { 'idempotency-key': key }),
      ]) {
        expect({ key: key.slice(0, 10), status: response.status }).toEqual({ key: key.slice(0, 10), status: 400 });
        expect(await response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID', correlationId: expect.any(String) });
      }
    }
    expect(await eventCount()).toBe(before);
    expect((await place(staff, roses, { 'idempotency-key': 'k'.repeat(200) })).response.status).toBe(201);
  });

  it('refuses an illegal transition with 409 and the current state, and a stale If-Match with 412', async () => {
    const { body } = await place();
    const cancelled = await call('POST', `/orders/${body.orderId}/cancel`, staff, { reason: 'customer changed their mind' });
    expect(cancelled.status).toBe(200);
    const accept = await call('POST', `/orders/${body.orderId}/accept`, staff);
    expect(accept.status).toBe(409);
    expect(await accept.json()).toMatchObject({ code: 'ORDER_NOT_ACCEPTABLE', details: { status: 'cancelled' } });
    const stale = await call('POST', `/orders/${body.orderId}/cancel`, staff, { reason: 'again' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ code: 'STALE_VERSION', details: { currentVersion: 2 } });
  });

  it('keeps an audit trail of every change with who made it, for staff of the shop only', async () => {
    const { body } = await place();
    const manager = as({ role: 'staff', shopId: shop, sub: 'maria' });
    expect((await call('POST', `/orders/${body.orderId}/accept`, manager)).status).toBe(200);
    const response = await call('GET', `/orders/${body.orderId}/history`, staff);
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<{ version: number; type: string; actor: { subject: string }; correlationId: string }> };
    expect(items.map((i) => [i.version, i.type, i.actor.subject])).toEqual([
      [1, 'OrderPlaced', 'alice'],
      [2, 'OrderAccepted', 'maria'],
    ]);
    expect(items.every((i) => i.correlationId.length > 0)).toBe(true);
    expect((await call('GET', `/orders/${body.orderId}/history`, as({ role: 'staff', shopId: uniqueName('shop') }))).status).toBe(404);
    expect((await call('GET', `/orders/${body.orderId}/history`, as({ role: 'florist', shopId: shop }))).status).toBe(403);
  });

  it('shows an order as it was at a past time', async () => {
    const { body } = await place();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeCancel = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call('POST', `/orders/${body.orderId}/cancel`, staff, { reason: 'wrong address' })).status).toBe(200);
    const then = await call('GET', `/orders/${body.orderId}?asOf=${encodeURIComponent(beforeCancel)}`, staff);
    expect(await then.json()).toMatchObject({ status: 'placed', version: 1 });
    const now = await call('GET', `/orders/${body.orderId}`, staff);
    expect(await now.json()).toMatchObject({ status: 'cancelled', version: 2 });
    const beforePlaced = await call('GET', `/orders/${body.orderId}?asOf=2020-01-01T00:00:00Z`, staff);
    expect(beforePlaced.status).toBe(404);
    expect((await call('GET', `/orders/${body.orderId}?asOf=yesterday`, staff)).status).toBe(400);
  });

  it('serves its OpenAPI document and health without a token', async () => {
    const docs = await fetch(`${service.url}/docs/json`);
    expect(docs.status).toBe(200);
    const document = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{orderId}', '/health/ready']));
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    const ready = await eventually(async () => {
      const response = await fetch(`${service.url}/health/ready`);
      expect(response.status).toBe(200);
      return response.json();
    });
    expect(ready).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('documents every order route with a summary, its body schema and an example, and its errors', async () => {
    type Operation = { summary?: string; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown> };
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, { example?: unknown; examples?: unknown[] }> };
    };
    const orderRoutes = Object.entries(document.paths).filter(
      ([path]) => path.startsWith('/orders') || path.startsWith('/people') || path.startsWith('/shops'),
    );
    expect(orderRoutes.length).toBeGreaterThanOrEqual(20);
    for (const [path, operations] of orderRoutes) {
      for (const [method, operation] of Object.entries(operations)) {
        expect({ path, method, summary: typeof operation.summary }).toEqual({ path, method, summary: 'string' });
        expect({ path, method, errors: ['401', '403', '404'].filter((status) => !(status in operation.responses)) }).toEqual({ path, method, errors: [] });
        const body = operation.requestBody?.content['application/json']?.schema;
        if (body === undefined) continue;
        const schema = typeof body.$ref === 'string' ? document.components.schemas[body.$ref.split('/').pop()!] : body;
        expect({ path, method, example: schema.example !== undefined || schema.examples !== undefined }).toEqual({ path, method, example: true });
        expect({ path, method, invalidBody: '400' in operation.responses }).toEqual({ path, method, invalidBody: true });
      }
    }
  });
});
