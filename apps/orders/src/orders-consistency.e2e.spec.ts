import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { CONSUMER_GROUPS, deadLetterTopic, namespaced, TOPICS } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();

// Mid-January of next year: never over, and Amsterdam keeps +01:00 all month.
const day = `${new Date().getUTCFullYear() + 1}-01-15`;
const hh = (hour: number) => String(hour).padStart(2, '0');
const windowAt = (hour: number): Window => ({ from: `${day}T${hh(hour)}:00:00+01:00`, to: `${day}T${hh(hour + 2)}:00:00+01:00`, timeZone: 'Europe/Amsterdam' });
/** With two-hour slots: 13:00 falls in the 12:00 slot, 15:00 in 14:00, 17:00 in 16:00. */
const windows = { midday: windowAt(13), afternoon: windowAt(15), evening: windowAt(17) };
const slotOf = { [windows.midday.from]: `${day}T12:00`, [windows.afternoon.from]: `${day}T14:00`, [windows.evening.from]: `${day}T16:00` };
const twoHourSlots = (capacity: number) => ({ timeZone: 'Europe/Amsterdam', slotMinutes: 120, capacity });

const roses = (deliveryWindow: Window = windows.midday) => ({
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow,
  buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
  recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } },
  cardMessage: 'Happy birthday, love Sam',
});

type Window = { from: string; to: string; timeZone?: string };
interface OrderView {
  orderId: string;
  status: string;
  version: number;
  paid?: boolean;
  riderId?: string;
  deliveryWindow: Window;
  deliverySlot?: string;
  openExceptions?: Array<{ exceptionId: string }>;
}
interface ErrorBody {
  code: string;
  message: string;
  correlationId: string;
  details?: Record<string, unknown>;
}
interface HistoryItem {
  version: number;
  type: string;
  correlationId: string;
  actor?: { role: string; subject: string; shopId?: string };
  data: { riderId?: string; deliveryWindow?: Window; deliverySlot?: string; paid?: boolean };
}
interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** What the storm test knows of an order: enough to check each appended event was legal when it was appended. */
interface Model {
  status: string;
  paid: boolean;
  riderId?: string;
  window: string;
  slot?: string;
}

/**
 * Folds an order's history the way its rules allow, failing on the first event the rules
 * would have refused at that point: a lost update or a decision on a stale state shows here.
 */
function foldChecked(items: HistoryItem[]): Model {
  const model: Model = { status: 'none', paid: false, window: '' };
  const refuse = (item: HistoryItem) => {
    throw new Error(`v${item.version} ${item.type} was appended to an order that was ${JSON.stringify(model)}`);
  };
  const atTheShop = () => ['placed', 'accepted', 'in_production', 'ready'].includes(model.status);
  const plannable = () => ['accepted', 'in_production', 'ready'].includes(model.status);
  for (const item of items) {
    switch (item.type) {
      case 'OrderPlaced':
        if (model.status !== 'none') refuse(item);
        Object.assign(model, { status: 'placed', paid: item.data.paid, window: item.data.deliveryWindow!.from, slot: item.data.deliverySlot });
        break;
      case 'OrderAccepted':
        if (model.status !== 'placed') refuse(item);
        model.status = 'accepted';
        break;
      case 'ProductionStarted':
        if (model.status !== 'accepted') refuse(item);
        model.status = 'in_production';
        break;
      case 'OrderCancelled':
        if (!atTheShop()) refuse(item);
        Object.assign(model, { status: 'cancelled', riderId: undefined });
        break;
      case 'OrderPaid':
        if (model.paid || !atTheShop()) refuse(item);
        model.paid = true;
        break;
      case 'RiderAssigned':
        if (!plannable() || model.riderId !== undefined) refuse(item);
        model.riderId = item.data.riderId;
        break;
      case 'RiderUnassigned':
        if (!plannable() || model.riderId !== item.data.riderId) refuse(item);
        model.riderId = undefined;
        break;
      case 'DeliveryWindowChanged':
        if (!atTheShop() || item.data.deliveryWindow!.from === model.window) refuse(item);
        Object.assign(model, { window: item.data.deliveryWindow!.from, slot: item.data.deliverySlot });
        break;
      default:
        refuse(item);
    }
  }
  return model;
}

const modelOf = (view: OrderView): Model => ({
  status: view.status,
  paid: view.paid ?? false,
  riderId: view.riderId,
  window: view.deliveryWindow.from,
  slot: view.deliverySlot,
});

describe('orders stay consistent under concurrency, retries and bad input (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;

  // Idempotency keys are scoped to the caller: a subject per shop keeps the tests' keys apart.
  const staffOf = (shopId: string, name = 'alice') => tokens.sign({ role: 'staff', shopId, sub: `${name}@${shopId}` } as Principal);
  async function call<T = OrderView>(method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
  const count = async (sql: string, params: unknown[] = []) => Number((await service.app.get(DataSource).query(sql, params))[0].n);
  const allEvents = () => count(`SELECT count(*) AS n FROM events`);
  const orderEventsOfShop = (shopId: string) => count(`SELECT count(*) AS n FROM events WHERE stream_id LIKE 'order-%' AND data->>'shopId' = $1`, [shopId]);
  const eventsOfOrder = (orderId: string) => count(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [`order-${orderId}`]);
  const history = async (orderId: string, token: string) => (await call<{ items: HistoryItem[] }>('GET', `/orders/${orderId}/history`, token)).body.items;
  const availability = async (shopId: string, token: string) => {
    const answer = await call<{ slots: Array<{ slot: string; capacity: number; reserved: number; available: number }> }>(
      'GET',
      `/shops/${shopId}/delivery-slots?date=${day}`,
      token,
    );
    expect(answer.status).toBe(200);
    return answer.body.slots;
  };
  const reservedBySlot = async (shopId: string, token: string) =>
    Object.fromEntries((await availability(shopId, token)).filter((s) => s.reserved > 0).map((s) => [s.slot, s.reserved]));
  const planSlots = async (shopId: string, capacity: number) => {
    const answer = await call('PUT', `/shops/${shopId}/delivery-slots`, staffOf(shopId), twoHourSlots(capacity));
    expect(answer.status).toBe(200);
  };
  const placeAccepted = async (token: string, window: Window = windows.midday) => {
    const placed = await call('POST', '/orders', token, roses(window));
    expect(placed.status).toBe(201);
    expect((await call('POST', `/orders/${placed.body.orderId}/accept`, token)).status).toBe(200);
    return placed.body.orderId;
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
  });
  afterAll(() => service?.app.close());

  describe('concurrent commands on one order', () => {
    type StormCommand = { path: string; body?: unknown; shows(view: OrderView): boolean };
    const startProduction = (): StormCommand => ({ path: 'production/start', shows: (v) => v.status === 'in_production' });
    const pay = (): StormCommand => ({ path: 'payment', shows: (v) => v.paid === true });
    const cancel = (i: number): StormCommand => ({ path: 'cancel', body: { reason: `customer called (${i})` }, shows: (v) => v.status === 'cancelled' });
    const assignRider = (riderId: string): StormCommand => ({ path: 'rider', body: { riderId }, shows: (v) => v.riderId === riderId });
    const moveTo = (window: Window): StormCommand => ({
      path: 'window',
      body: { deliveryWindow: window },
      shows: (v) => v.deliveryWindow.from === window.from,
    });

    /**
     * Fires every command at once at an accepted order, each with its own Idempotency-Key and
     * correlation id, and checks what must hold however the race went.
     */
    async function storm(
      commands: StormCommand[],
      legalRefusals: string[],
      shopPlansSlots: boolean,
    ): Promise<{ final: Model; orderId: string; staff: string }> {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      if (shopPlansSlots) await planSlots(shop, 100);
      const orderId = await placeAccepted(staff);
      const correlationOf = (i: number) => `${orderId}.storm-${i}`;
      const send = (command: StormCommand, i: number) =>
        call<OrderView & ErrorBody>('POST', `/orders/${orderId}/${command.path}`, staff, command.body, {
          'idempotency-key': correlationOf(i),
          'x-correlation-id': correlationOf(i),
        });
      const answers = await Promise.all(commands.map(send));

      // Every request either happened or was refused with a reason: never a 500.
      expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
      const refusals = new Set(answers.filter((a) => a.status === 409).map((a) => a.body.code));
      expect([...refusals].filter((code) => !legalRefusals.includes(code))).toEqual([]);

      // The stream is versions 1..n, no gaps or duplicates, and every event is legal where it stands.
      const items = await history(orderId, staff);
      expect(items.map((e) => e.version)).toEqual(items.map((_, i) => i + 1));
      expect(items.slice(0, 2).map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted']);
      const folded = foldChecked(items);

      // GET /orders/:id is exactly the fold of the history.
      const now = await call('GET', `/orders/${orderId}`, staff);
      expect(now.headers.get('etag')).toBe(`"${items.length}"`);
      expect(now.body.version).toBe(items.length);
      expect(modelOf(now.body)).toEqual(folded);

      // Each answer tells its own story: the events its request appended are in the history once,
      // in one run ending at the version it answered with, and the state it showed is the history up to there.
      const appendedBy = new Map<string, number[]>();
      for (const item of items.slice(2)) appendedBy.set(item.correlationId, [...(appendedBy.get(item.correlationId) ?? []), item.version]);
      const appenders: number[] = [];
      answers.forEach((answer, i) => {
        const versions = appendedBy.get(correlationOf(i)) ?? [];
        appendedBy.delete(correlationOf(i));
        if (answer.status === 409) {
          expect({ request: i, appended: versions }).toEqual({ request: i, appended: [] });
          return;
        }
        expect({ request: i, shows: commands[i].shows(answer.body) }).toEqual({ request: i, shows: true });
        expect(answer.headers.get('etag')).toBe(`"${answer.body.version}"`);
        expect({ request: i, state: modelOf(answer.body) }).toEqual({ request: i, state: foldChecked(items.slice(0, answer.body.version)) });
        if (versions.length > 0) {
          appenders.push(i);
          expect(versions).toEqual(versions.map((_, k) => answer.body.version - versions.length + 1 + k));
        }
      });
      // No event in the history that no successful request accounts for.
      expect([...appendedBy.keys()]).toEqual([]);
      expect(appenders.length).toBeGreaterThan(0);

      // The order holds exactly one place, in the slot of its final window; a cancelled one holds none.
      if (shopPlansSlots) expect(await reservedBySlot(shop, staff)).toEqual(folded.status === 'cancelled' ? {} : { [folded.slot!]: 1 });

      // A retry of a request that changed the order returns its first answer and appends nothing.
      const retries = await Promise.all(appenders.map((i) => send(commands[i], i)));
      for (const [k, retry] of retries.entries()) {
        expect(retry.status).toBe(200);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.body.version).toBe(answers[appenders[k]].body.version);
      }
      expect(await eventsOfOrder(orderId)).toBe(items.length);
      return { final: folded, orderId, staff };
    }

    it('answers 50 mixed commands with 200 or 409, appends a gapless history whose fold is the order, and nothing after the cancel', async () => {
      const commands = Array.from({ length: 10 }, (_, i) => [
        startProduction(),
        assignRider(i % 2 === 0 ? 'r1' : 'r2'),
        moveTo(i % 2 === 0 ? windows.afternoon : windows.evening),
        pay(),
        cancel(i),
      ]).flat();
      // Without slots every command is one append, so the cancels race the rest on equal terms.
      const { final, orderId, staff } = await storm(
        commands,
        ['ORDER_NOT_CANCELLABLE', 'PRODUCTION_NOT_STARTABLE', 'RIDER_NOT_ASSIGNABLE', 'WINDOW_LOCKED', 'ORDER_NOT_PAYABLE', 'STREAM_VERSION_CONFLICT'],
        false,
      );
      // A cancel can always be decided (the order never leaves the shop here): one of the ten wins.
      expect(final.status).toBe('cancelled');

      // Once cancelled, the same storm again changes nothing: each command is refused, or was already true.
      const version = await eventsOfOrder(orderId);
      const again = await Promise.all(commands.map((c) => call<OrderView & ErrorBody>('POST', `/orders/${orderId}/${c.path}`, staff, c.body)));
      const changed = again.flatMap((a, i) =>
        a.status === 409 || (a.status === 200 && a.body.version === version && commands[i].shows(a.body))
          ? []
          : [{ request: i, path: commands[i].path, status: a.status, version: a.body.version }],
      );
      expect(changed).toEqual([]);
      expect(again.filter((a) => a.status === 409)).not.toHaveLength(0);
      expect(await eventsOfOrder(orderId)).toBe(version);
    });

    it('keeps exactly one slot place for an order whose window 30 concurrent requests move back and forth', async () => {
      const commands = Array.from({ length: 10 }, (_, i) => [
        moveTo(windows.afternoon),
        moveTo(windows.evening),
        assignRider(i % 2 === 0 ? 'r1' : 'r2'),
      ]).flat();
      const { final } = await storm(commands, ['STREAM_VERSION_CONFLICT'], true);
      // The slot the order's view names is the one its final window falls in.
      expect(final.slot).toBe(slotOf[final.window]);
    });
  });

  describe('delivery slot capacity', () => {
    it('gives a slot of 5 places to exactly 5 of 20 concurrent orders, refuses the rest with SLOT_FULL and records nothing for them', async () => {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      await planSlots(shop, 5);
      const slot = `${day}T12:00`;

      const answers = await Promise.all(Array.from({ length: 20 }, () => call<OrderView & ErrorBody>('POST', '/orders', staff, roses(windows.midday))));
      const placed = answers.filter((a) => a.status === 201);
      const refused = answers.filter((a) => a.status !== 201);
      expect(placed).toHaveLength(5);
      expect(refused.map((a) => [a.status, a.body.code])).toEqual(Array(15).fill([409, 'SLOT_FULL']));
      expect(refused[0].body.details).toMatchObject({ slot, capacity: 5, reserved: 5 });
      expect(new Set(placed.map((a) => a.body.orderId)).size).toBe(5);
      expect(placed.every((a) => a.body.deliverySlot === slot)).toBe(true);

      expect((await availability(shop, staff)).find((s) => s.slot === slot)).toEqual({ slot, capacity: 5, reserved: 5, available: 0 });
      expect(await orderEventsOfShop(shop)).toBe(5);
      const holders = await service.app
        .get(DataSource)
        .query(`SELECT data->>'orderId' AS id FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`slot-${shop}-${slot}`]);
      expect(holders.map((h: { id: string }) => h.id).sort()).toEqual(placed.map((a) => a.body.orderId).sort());

      // Cancelling an accepted order gives its place back: one more order fits, the next does not.
      const cancelled = placed[0].body.orderId;
      expect((await call('POST', `/orders/${cancelled}/accept`, staff)).status).toBe(200);
      expect((await call('POST', `/orders/${cancelled}/cancel`, staff, { reason: 'customer called' })).status).toBe(200);
      expect((await availability(shop, staff)).find((s) => s.slot === slot)).toMatchObject({ reserved: 4, available: 1 });
      const latecomer = await call('POST', '/orders', staff, roses(windows.midday));
      expect(latecomer.status).toBe(201);
      const tooLate = await call<ErrorBody>('POST', '/orders', staff, roses(windows.midday));
      expect([tooLate.status, tooLate.body.code]).toEqual([409, 'SLOT_FULL']);
      expect(await orderEventsOfShop(shop)).toBe(5 + 2 + 1);
    });

    it('refuses to move an order into a full slot, keeping its window and its place in the old slot', async () => {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      await planSlots(shop, 1);
      expect((await call('POST', '/orders', staff, roses(windows.midday))).status).toBe(201);
      const other = await call('POST', '/orders', staff, roses(windows.afternoon));
      expect(other.status).toBe(201);

      const move = await call<ErrorBody>('POST', `/orders/${other.body.orderId}/window`, staff, { deliveryWindow: windows.midday });
      expect([move.status, move.body.code]).toEqual([409, 'SLOT_FULL']);
      const after = await call('GET', `/orders/${other.body.orderId}`, staff);
      expect(after.body).toMatchObject({ version: 1, deliveryWindow: windows.afternoon, deliverySlot: `${day}T14:00` });
      expect(await reservedBySlot(shop, staff)).toEqual({ [`${day}T12:00`]: 1, [`${day}T14:00`]: 1 });
    });
  });

  describe('idempotency keys', () => {
    it('answers a placement retried with the same key with the same order, recording it once', async () => {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      const first = await call('POST', '/orders', staff, roses(), { 'idempotency-key': 'checkout-1' });
      const retry = await call('POST', '/orders', staff, roses(), { 'idempotency-key': 'checkout-1' });
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(retry.body).toEqual(first.body);
      expect(await orderEventsOfShop(shop)).toBe(1);

      const reused = await call<ErrorBody>('POST', '/orders', staff, { ...roses(), cardMessage: 'Something else' }, { 'idempotency-key': 'checkout-1' });
      expect([reused.status, reused.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await orderEventsOfShop(shop)).toBe(1);

      // Keys are the caller's own: a colleague choosing the same key places their own order.
      const colleague = await call('POST', '/orders', staffOf(shop, 'bob'), roses(), { 'idempotency-key': 'checkout-1' });
      expect(colleague.status).toBe(201);
      expect(colleague.body.orderId).not.toBe(first.body.orderId);
      expect(await orderEventsOfShop(shop)).toBe(2);
    });

    it('places one order for 20 concurrent requests with the same key, and answers all of them with it', async () => {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      const answers = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/orders', staff, roses(), { 'idempotency-key': 'double-click' })));
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
      expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
      expect(await orderEventsOfShop(shop)).toBe(1);
    });

    it('answers a retried command with its first answer even after the order moved on, and refuses the key for another request', async () => {
      const shop = uniqueName('shop');
      const staff = staffOf(shop);
      const orderId = (await call('POST', '/orders', staff, roses())).body.orderId;
      const accepted = await call('POST', `/orders/${orderId}/accept`, staff, undefined, { 'idempotency-key': 'accept-1' });
      expect(accepted.body).toMatchObject({ status: 'accepted', version: 2 });
      expect((await call('POST', `/orders/${orderId}/cancel`, staff, { reason: 'customer called' })).body).toMatchObject({ status: 'cancelled', version: 3 });

      // Accepting a cancelled order is refused, but this is the retry of an accept that happened.
      const retry = await call('POST', `/orders/${orderId}/accept`, staff, undefined, { 'idempotency-key': 'accept-1' });
      expect(retry.status).toBe(200);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(accepted.body);
      expect(await eventsOfOrder(orderId)).toBe(3);

      const otherOrder = (await call('POST', '/orders', staff, roses())).body.orderId;
      const elsewhere = await call<ErrorBody>('POST', `/orders/${otherOrder}/accept`, staff, undefined, { 'idempotency-key': 'accept-1' });
      expect([elsewhere.status, elsewhere.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      const otherRoute = await call<ErrorBody>('POST', `/orders/${orderId}/payment`, staff, undefined, { 'idempotency-key': 'accept-1' });
      expect([otherRoute.status, otherRoute.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await eventsOfOrder(otherOrder)).toBe(1);
      expect(await eventsOfOrder(orderId)).toBe(3);

      expect((await call('POST', `/orders/${otherOrder}/accept`, staff)).status).toBe(200);
      expect((await call('POST', `/orders/${otherOrder}/rider`, staff, { riderId: 'r1' }, { 'idempotency-key': 'rider-1' })).status).toBe(200);
      const changedBody = await call<ErrorBody>('POST', `/orders/${otherOrder}/rider`, staff, { riderId: 'r2' }, { 'idempotency-key': 'rider-1' });
      expect([changedBody.status, changedBody.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect((await call('GET', `/orders/${otherOrder}`, staff)).body).toMatchObject({ riderId: 'r1', version: 3 });
    });
  });

  describe('bad input', () => {
    let shop: string;
    let staff: string;
    beforeAll(() => {
      shop = uniqueName('shop');
      staff = staffOf(shop);
    });

    const withRecipient = (recipient: Record<string, unknown>) => ({ ...roses(), recipient });
    const { items: _items, ...noItems } = roses();
    const item = roses().items[0];
    const address = roses().recipient.address;

    it.each<[string, unknown, string, string[]]>([
      ['malformed JSON', '{"items": [', 'MALFORMED_JSON', ['not valid JSON']],
      ['an unknown field', { ...roses(), colour: 'red' }, 'VALIDATION_FAILED', ['colour']],
      [
        'an unknown field in recipient.address',
        withRecipient({ ...roses().recipient, address: { ...address, floor: 3 } }),
        'VALIDATION_FAILED',
        ['recipient.address', 'floor'],
      ],
      ['an unknown field in an item', { ...roses(), items: [{ ...item, colour: 'red' }] }, 'VALIDATION_FAILED', ['items.0', 'colour']],
      ['a quantity that is text', { ...roses(), items: [{ ...item, quantity: '2' }] }, 'VALIDATION_FAILED', ['items.0.quantity']],
      ['paid that is not a boolean', { ...roses(), paid: 'yes' }, 'VALIDATION_FAILED', ['paid']],
      [
        'a window start that is not a time',
        { ...roses(), deliveryWindow: { ...windows.midday, from: 'tomorrow' } },
        'VALIDATION_FAILED',
        ['deliveryWindow.from'],
      ],
      ['no items', noItems, 'VALIDATION_FAILED', ['items']],
      ['no recipient address', withRecipient({ name: 'Alex Recipient' }), 'VALIDATION_FAILED', ['recipient.address']],
      ['a card message over 400 characters', { ...roses(), cardMessage: 'x'.repeat(401) }, 'VALIDATION_FAILED', ['cardMessage']],
      ['several problems at once', { ...roses(), items: [], paid: 'yes', recipient: { address } }, 'VALIDATION_FAILED', ['items', 'paid', 'recipient.name']],
      ['a too long reference in a body just under the 256 KiB limit', { ...roses(), reference: 'x'.repeat(250 * 1024) }, 'VALIDATION_FAILED', ['reference']],
    ])('refuses an order with %s (400), naming what is wrong, and records nothing', async (_case, body, code, named) => {
      const before = await allEvents();
      const answer = await call<ErrorBody>('POST', '/orders', staff, body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code, message: expect.any(String), correlationId: expect.any(String) });
      for (const name of named) expect(answer.body.message).toContain(name);
      expect(await allEvents()).toBe(before);
    });

    it('refuses a body over the 256 KiB limit with 413 PAYLOAD_TOO_LARGE and records nothing', async () => {
      const before = await allEvents();
      const answer = await call<ErrorBody>('POST', '/orders', staff, { ...roses(), reference: 'x'.repeat(257 * 1024) });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', correlationId: expect.any(String) });
      expect(await allEvents()).toBe(before);
    });

    it('takes a card message of exactly 400 characters', async () => {
      const answer = await call('POST', '/orders', staff, { ...roses(), cardMessage: 'x'.repeat(400) });
      expect(answer.status).toBe(201);
    });

    it.each<[string, string, unknown, string[]]>([
      ['a cancel without a reason', 'cancel', {}, ['reason']],
      ['a cancel with an empty reason', 'cancel', { reason: '' }, ['reason']],
      ['a rider assignment with an unknown field', 'rider', { riderId: 'r1', vehicle: 'bike' }, ['vehicle']],
      ['a rider id that is a number', 'rider', { riderId: 7 }, ['riderId']],
      ['a window that ends before it starts', 'window', { deliveryWindow: { from: windows.midday.to, to: windows.midday.from } }, ['deliveryWindow.to']],
      ['malformed JSON', 'cancel', '{"reason": ', ['not valid JSON']],
    ])('refuses %s (400), naming what is wrong, and leaves the order as it was', async (_case, path, body, named) => {
      const orderId = (await call('POST', '/orders', staff, roses())).body.orderId;
      const answer = await call<ErrorBody>('POST', `/orders/${orderId}/${path}`, staff, body);
      expect(answer.status).toBe(400);
      for (const name of named) expect(answer.body.message).toContain(name);
      expect(await eventsOfOrder(orderId)).toBe(1);
    });

    it.each<[string, string, string, unknown]>([
      ['reading', 'GET', '', undefined],
      ['reading the history of', 'GET', '/history', undefined],
      ['accepting', 'POST', '/accept', undefined],
      ['cancelling', 'POST', '/cancel', { reason: 'customer called' }],
      ['moving the window of', 'POST', '/window', { deliveryWindow: windows.afternoon }],
    ])('answers %s an unknown order with 404 ORDER_NOT_FOUND and creates no stream', async (_case, method, suffix, body) => {
      const orderId = randomUUID();
      const before = await allEvents();
      const answer = await call<ErrorBody>(method, `/orders/${orderId}${suffix}`, staff, body);
      expect([answer.status, answer.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
      expect(await count(`SELECT count(*) AS n FROM streams WHERE stream_id = $1`, [`order-${orderId}`])).toBe(0);
      expect(await allEvents()).toBe(before);
    });

    it('answers an order id that is not a UUID with 400', async () => {
      const answer = await call<ErrorBody>('POST', '/orders/not-an-id/accept', staff);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toContain('uuid');
    });
  });

  describe('orders.commands over Kafka', () => {
    let kafka: Kafka;
    let producer: Producer;
    let deadLetters: Consumer;
    const dead: KafkaMessage[] = [];
    let shop: string;
    let staff: string;
    const commandsTopic = () => namespaced(TOPICS.ordersCommands.name, namespace);

    const command = (orderId: string, type: string, data: unknown, options: { shopId?: string } = {}) => ({
      commandId: randomUUID(),
      type,
      schemaVersion: 1,
      orderId,
      shopId: options.shopId ?? shop,
      data,
      metadata: { correlationId: randomUUID(), actor: { role: 'dispatcher', subject: 'dispatch', shopId: shop }, issuedAt: new Date().toISOString() },
    });
    /** Keyed by order id, as the contract says; a well-behaved sender puts the correlation id in a header too. */
    const send = async (orderId: string, value: string | ReturnType<typeof command>) => {
      const correlationId = typeof value === 'string' ? randomUUID() : value.metadata.correlationId;
      await producer.send({
        topic: commandsTopic(),
        messages: [{ key: orderId, value: typeof value === 'string' ? value : JSON.stringify(value), headers: { 'correlation-id': correlationId } }],
      });
    };
    const deadFor = (orderId: string) => dead.filter((m) => m.key?.toString() === orderId);
    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    const view = async (orderId: string) => (await call('GET', `/orders/${orderId}`, staff)).body;

    beforeAll(async () => {
      shop = uniqueName('shop');
      staff = staffOf(shop);
      kafka = new Kafka({ clientId: uniqueName('probe'), brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
      producer = kafka.producer();
      await producer.connect();
      deadLetters = kafka.consumer({ groupId: uniqueName('dlq-probe') });
      await deadLetters.subscribe({ topic: deadLetterTopic(namespaced(CONSUMER_GROUPS.ordersCommands.group, namespace)).name, fromBeginning: true });
      await deadLetters.run({
        eachMessage: async ({ message }) => {
          dead.push(message);
        },
      });
      // A group with no committed offset starts at the log's end once it first fetches: resend a
      // harmless command until it is applied, so no test message is produced before that.
      const warmUp = await placeAccepted(staff);
      const flag = command(warmUp, 'FlagOrderException', { exceptionId: 'warm-up', kind: 'test' });
      await eventually(
        async () => {
          await send(warmUp, flag);
          expect((await view(warmUp)).openExceptions).toHaveLength(1);
        },
        30_000,
        500,
      );
    });
    afterAll(async () => {
      await producer?.disconnect();
      await deadLetters?.disconnect();
    });

    it('dead-letters poison and refused commands with their reason, and goes on to apply the next command of the partition', async () => {
      const orderId = await placeAccepted(staff);
      const assign = command(orderId, 'AssignRider', { riderId: 'rider-7' });
      await send(orderId, 'this is not JSON');
      await send(orderId, command(orderId, 'TeleportOrder', { to: 'the moon' }));
      await send(orderId, command(orderId, 'AssignRider', { riderId: 'rider-6' }, { shopId: uniqueName('shop') }));
      await send(orderId, assign);

      await eventually(async () => expect((await view(orderId)).riderId).toBe('rider-7'));
      const items = await history(orderId, staff);
      expect(items.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'RiderAssigned']);
      expect(items[2]).toMatchObject({ actor: { role: 'dispatcher', subject: 'dispatch' }, correlationId: assign.metadata.correlationId });

      const parked = await eventually(() => {
        expect(deadFor(orderId)).toHaveLength(3);
        return deadFor(orderId);
      });
      expect(parked[0].value?.toString()).toBe('this is not JSON');
      expect(parked.map((m) => header(m, 'dlq-error'))).toEqual([
        'command value is not JSON',
        'not an orders command envelope',
        'ORDER_NOT_FOUND: no such order',
      ]);
      expect(parked.map((m) => header(m, 'dlq-error-class'))).toEqual(Array(3).fill('PoisonMessageError'));
      expect(parked.every((m) => header(m, 'dlq-original-topic') === commandsTopic())).toBe(true);
      expect(new Set(parked.map((m) => header(m, 'dlq-original-partition'))).size).toBe(1);
      const offsets = parked.map((m) => Number(header(m, 'dlq-original-offset')));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    });

    it('dead-letters a command the order’s rules refuse, naming the rule', async () => {
      const orderId = await placeAccepted(staff);
      expect((await call('POST', `/orders/${orderId}/cancel`, staff, { reason: 'customer called' })).status).toBe(200);
      await send(orderId, command(orderId, 'AssignRider', { riderId: 'rider-7' }));

      const [parked] = await eventually(() => {
        expect(deadFor(orderId)).toHaveLength(1);
        return deadFor(orderId);
      });
      expect(header(parked, 'dlq-error')).toMatch(/^RIDER_NOT_ASSIGNABLE: /);
      expect(await eventsOfOrder(orderId)).toBe(3);
    });

    it('continues a command’s trace onto the event it appends: same trace, the command’s span as parent', async () => {
      const events = kafka.consumer({ groupId: uniqueName('events-probe') });
      const published: KafkaMessage[] = [];
      await events.subscribe({ topic: namespaced(TOPICS.ordersEvents.name, namespace), fromBeginning: true });
      await events.run({
        eachMessage: async ({ message }) => {
          published.push(message);
        },
      });
      try {
        const byHeader = await placeAccepted(staff);
        const inHeader = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
        const assign = command(byHeader, 'AssignRider', { riderId: 'rider-7' });
        await producer.send({
          topic: commandsTopic(),
          messages: [{ key: byHeader, value: JSON.stringify(assign), headers: { 'correlation-id': assign.metadata.correlationId, traceparent: inHeader } }],
        });
        // A sender that puts the trace in the command's metadata only.
        const byMetadata = await placeAccepted(staff);
        const inMetadata = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
        const flag = command(byMetadata, 'FlagOrderException', { exceptionId: 'x1', kind: 'late' });
        await send(byMetadata, { ...flag, metadata: { ...flag.metadata, traceparent: inMetadata } } as typeof flag);

        for (const [orderId, type, traceparent] of [
          [byHeader, 'RiderAssigned', inHeader],
          [byMetadata, 'OrderExceptionFlagged', inMetadata],
        ]) {
          const event = await eventually(() => {
            const found = published.find((m) => m.key?.toString() === `order-${orderId}` && header(m, 'event-type') === type);
            expect(found).toBeDefined();
            return found!;
          }, 30_000);
          expect({ type, header: header(event, 'traceparent') }).toEqual({ type, header: traceparent });
          const value = JSON.parse(String(event.value)) as { metadata: { traceparent?: string } };
          expect({ type, metadata: value.metadata.traceparent }).toEqual({ type, metadata: traceparent });
        }
      } finally {
        await events.disconnect();
      }
    });

    it('applies a command delivered twice once, even when the order changed in between', async () => {
      const orderId = await placeAccepted(staff);
      const first = command(orderId, 'AssignRider', { riderId: 'r1' });
      await send(orderId, first);
      await send(orderId, command(orderId, 'AssignRider', { riderId: 'r2' }));
      await send(orderId, first);
      // Same partition, handled in order: once this one shows, the resent command was handled too.
      await send(orderId, command(orderId, 'FlagOrderException', { exceptionId: 'marker', kind: 'test' }));

      await eventually(async () => expect((await view(orderId)).openExceptions).toHaveLength(1));
      expect((await view(orderId)).riderId).toBe('r2');
      const items = await history(orderId, staff);
      expect(items.map((e) => [e.type, e.data.riderId])).toEqual([
        ['OrderPlaced', undefined],
        ['OrderAccepted', undefined],
        ['RiderAssigned', 'r1'],
        ['RiderUnassigned', 'r1'],
        ['RiderAssigned', 'r2'],
        ['OrderExceptionFlagged', undefined],
      ]);
      expect(deadFor(orderId)).toEqual([]);
    });
  });
});
