import { developmentTokens, type Principal } from '@petalpost/auth';
import {
  createEventDecoder,
  decodeOrderCommand,
  DISPATCH_EVENT_CONTRACTS,
  type IntegrationEvent,
  namespaced,
  ORDER_EVENT_CONTRACTS,
  TOPICS,
} from '@petalpost/contracts';
import { EventStore } from '@petalpost/event-store';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const decodeOrderEvent = createEventDecoder(ORDER_EVENT_CONTRACTS);
const decodeDispatchEvent = createEventDecoder(DISPATCH_EVENT_CONTRACTS);
const hour = 3_600_000;

const anOrder = () => ({
  reference: uniqueName('WEB'),
  orderType: 'gift',
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { from: new Date(Date.now() + 4 * hour).toISOString(), to: new Date(Date.now() + 6 * hour).toISOString(), timeZone: 'Europe/Amsterdam' },
  buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678' },
  recipient: { name: 'Alex Recipient', addressType: 'residence', address: { text: 'Lindenlaan 3, Utrecht' } },
  price: { amountMinor: 4950, currency: 'EUR' },
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { items?: Array<Record<string, unknown>> };
}
type Sent = { key: string; type: string; data: Record<string, unknown>; event?: IntegrationEvent };

/**
 * Assigning by hand, end to end: the real orders and dispatch services in one Kafka namespace.
 * Dispatch decides and relays the decision to orders.commands; orders applies it and publishes
 * RiderAssigned on orders.events; dispatch's board follows.
 */
describe('assigning riders by hand (real orders and dispatch services, Postgres and Kafka)', () => {
  let dispatch: RunningService<DispatchConfig>;
  let orders: ServiceProcess;
  let probe: Consumer;
  const seen = { orderEvents: [] as Sent[], orderCommands: [] as Sent[], dispatchEvents: [] as Sent[] };

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const call = async (url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const toDispatch = (token: string, method: string, path: string, body?: unknown) => call(dispatch.url, token, method, path, body);
  /** A request to dispatch with an Idempotency-Key, answered with its headers too. */
  const keyed = async (key: string, token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${dispatch.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'], headers: response.headers };
  };
  const toOrders = (token: string, path: string, body?: unknown) => call(orders.url, token, 'POST', path, body);
  const boardRow = async (token: string, orderId: string) => (await toDispatch(token, 'GET', '/deliveries')).body.items?.find((d) => d.orderId === orderId);
  // orders.events is keyed by the order's stream id.
  const orderEventsOf = (orderId: string) => seen.orderEvents.filter((m) => m.key === `order-${orderId}`);
  const riderEventsOf = (orderId: string) =>
    orderEventsOf(orderId)
      .filter((m) => m.type === 'RiderAssigned' || m.type === 'RiderUnassigned')
      .map((m) => [m.type, m.data.riderId]);

  /** A shop with a dispatcher, its staff and two riders on shift. */
  const aShop = async () => {
    const shopId = uniqueName('shop');
    const staff = as({ role: 'staff', shopId });
    const dispatcher = as({ role: 'dispatcher', shopId });
    const [rita, ron] = [uniqueName('rita'), uniqueName('ron')];
    for (const riderId of [rita, ron]) {
      expect((await toDispatch(staff, 'POST', '/riders', { riderId, name: riderId, vehicle: { kind: 'bicycle', capacity: 4 } })).status).toBe(201);
      expect((await toDispatch(staff, 'PUT', `/riders/${riderId}/availability`, { availability: 'on_shift' })).status).toBe(200);
    }
    return { shopId, staff, dispatcher, rita, ron };
  };

  /** An order placed (and accepted, unless told otherwise) through the orders API, once the board shows it. */
  const anOrderOnTheBoard = async (shop: { staff: string; dispatcher: string }, accept = true) => {
    const placed = await toOrders(shop.staff, '/orders', anOrder());
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    if (accept) expect((await toOrders(shop.staff, `/orders/${orderId}/accept`)).status).toBe(200);
    const status = accept ? 'awaiting_assignment' : 'awaiting_acceptance';
    await eventually(async () => expect(await boardRow(shop.dispatcher, orderId)).toMatchObject({ status }), 20_000);
    return orderId;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    // The orders service runs as its own built process: apps never import each other.
    [orders, dispatch] = await Promise.all([
      startServiceProcess('orders', { KAFKA_NAMESPACE: namespace }),
      startTestService(dispatchService, { KAFKA_NAMESPACE: namespace }),
    ]);
    probe = new Kafka({ clientId: 'assignments-probe', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('probe'),
      maxWaitTimeInMs: 200,
    });
    await probe.connect();
    const topics = {
      orderEvents: namespaced(TOPICS.ordersEvents.name, namespace),
      orderCommands: namespaced(TOPICS.ordersCommands.name, namespace),
      dispatchEvents: namespaced(TOPICS.dispatchEvents.name, namespace),
    };
    await probe.subscribe({ topics: Object.values(topics), fromBeginning: true });
    await probe.run({
      eachMessage: async ({ topic, message }) => {
        const key = String(message.key);
        if (topic === topics.orderCommands) {
          const command = decodeOrderCommand(message.value);
          seen.orderCommands.push({ key, type: command.type, data: command.data as Record<string, unknown> });
          return;
        }
        const decoded = (topic === topics.orderEvents ? decodeOrderEvent : decodeDispatchEvent)(message.value);
        if (!decoded.known) return;
        (topic === topics.orderEvents ? seen.orderEvents : seen.dispatchEvents).push({
          key,
          type: decoded.type,
          data: decoded.data as Record<string, unknown>,
          event: decoded.event,
        });
      },
    });
  }, 120_000);
  afterAll(async () => {
    await probe?.disconnect();
    await Promise.all([dispatch?.app.close(), orders?.stop()]);
  });

  it('assigns, reassigns and unassigns through the orders service, and the board follows', async () => {
    const shop = await aShop();
    const orderId = await anOrderOnTheBoard(shop);

    const assigned = await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${orderId}/rider`, { riderId: shop.rita });
    expect(assigned).toEqual({
      status: 202,
      body: {
        orderId,
        shopId: shop.shopId,
        riderId: shop.rita,
        decision: 'assignment_requested',
        board: { status: 'awaiting_assignment', riderId: null },
        warnings: [],
      },
    });
    await eventually(() => expect(riderEventsOf(orderId)).toEqual([['RiderAssigned', shop.rita]]), 20_000);
    await eventually(async () => expect(await boardRow(shop.dispatcher, orderId)).toMatchObject({ riderId: shop.rita }));
    // The rider now sees it on their board.
    expect(await boardRow(as({ role: 'rider', shopId: shop.shopId, sub: shop.rita }), orderId)).toMatchObject({ orderId });

    // Asking again for what the board already shows asks nothing.
    expect((await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${orderId}/rider`, { riderId: shop.rita })).body).toMatchObject({
      decision: 'already_assigned',
    });

    expect((await toDispatch(shop.staff, 'PUT', `/deliveries/${orderId}/rider`, { riderId: shop.ron })).body).toMatchObject({
      decision: 'assignment_requested',
      board: { riderId: shop.rita },
    });
    await eventually(
      () =>
        expect(riderEventsOf(orderId)).toEqual([
          ['RiderAssigned', shop.rita],
          ['RiderUnassigned', shop.rita],
          ['RiderAssigned', shop.ron],
        ]),
      20_000,
    );
    await eventually(async () => expect(await boardRow(shop.dispatcher, orderId)).toMatchObject({ riderId: shop.ron }));

    const freed = await toDispatch(shop.dispatcher, 'DELETE', `/deliveries/${orderId}/rider?reason=${encodeURIComponent('Scooter broke down')}`);
    expect(freed).toMatchObject({ status: 202, body: { decision: 'unassignment_requested', riderId: shop.ron } });
    await eventually(() => expect(riderEventsOf(orderId).at(-1)).toEqual(['RiderUnassigned', shop.ron]), 20_000);
    expect(orderEventsOf(orderId).at(-1)!.data).toMatchObject({ reason: 'Scooter broke down' });
    await eventually(async () => expect((await boardRow(shop.dispatcher, orderId))?.riderId).toBeUndefined());
    expect(await toDispatch(shop.dispatcher, 'DELETE', `/deliveries/${orderId}/rider`)).toMatchObject({ status: 409, body: { code: 'NO_RIDER_ASSIGNED' } });

    // Each decision went out on orders.commands and dispatch.events, keyed by the order.
    expect(seen.orderCommands.filter((c) => c.key === orderId).map((c) => [c.type, c.data.riderId])).toEqual([
      ['AssignRider', shop.rita],
      ['AssignRider', shop.ron],
      ['UnassignRider', shop.ron],
    ]);
    const decisions = seen.dispatchEvents.filter((e) => e.key === orderId);
    expect(decisions.map((e) => [e.type, e.data.riderId, e.data.source])).toEqual([
      ['AssignmentRequested', shop.rita, 'manual'],
      ['AssignmentRequested', shop.ron, 'manual'],
      ['UnassignmentRequested', shop.ron, 'manual'],
    ]);
    expect(decisions[0].event!.metadata.actor).toMatchObject({ role: 'dispatcher', shopId: shop.shopId });
    // The rider's own events are keyed by the rider.
    expect(seen.dispatchEvents.filter((e) => e.key === shop.rita).map((e) => e.type)).toEqual(['RiderRegistered', 'RiderAvailabilityChanged']);
  });

  it('answers a retried assignment or unassignment with the same Idempotency-Key with its first decision, and asks the orders service once', async () => {
    const shop = await aShop();
    const orderId = await anOrderOnTheBoard(shop);
    const path = `/deliveries/${orderId}/rider`;

    const assigned = await keyed('assign-1', shop.dispatcher, 'PUT', path, { riderId: shop.rita });
    expect(assigned.status).toBe(202);
    expect(assigned.headers.get('idempotent-replayed')).toBeNull();
    const retried = await keyed('assign-1', shop.dispatcher, 'PUT', path, { riderId: shop.rita });
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.headers.get('etag')).toBe(assigned.headers.get('etag'));
    // The decision is the first one; the board is as it shows at the retry.
    expect(retried.body).toEqual({ ...assigned.body, decision: 'assignment_requested', board: expect.objectContaining({ status: 'awaiting_assignment' }) });
    // The same key for another request is refused, not replayed.
    expect(await keyed('assign-1', shop.dispatcher, 'PUT', path, { riderId: shop.ron })).toMatchObject({
      status: 409,
      body: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    await eventually(async () => expect(await boardRow(shop.dispatcher, orderId)).toMatchObject({ riderId: shop.rita }), 20_000);

    // Retried after the orders service applied it, the unassignment still names the rider it freed.
    const freed = await keyed('free-1', shop.dispatcher, 'DELETE', `${path}?reason=late`);
    expect(freed).toMatchObject({ status: 202, body: { decision: 'unassignment_requested', riderId: shop.rita } });
    await eventually(async () => expect((await boardRow(shop.dispatcher, orderId))?.riderId).toBeUndefined(), 20_000);
    const freedAgain = await keyed('free-1', shop.dispatcher, 'DELETE', `${path}?reason=late`);
    expect(freedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(freedAgain).toMatchObject({ status: 202, body: { decision: 'unassignment_requested', riderId: shop.rita } });

    // One decision each in the log, one command each to the orders service.
    const store = dispatch.app.get(EventStore);
    expect((await store.readStream(`delivery-${orderId}`)).map((e) => e.type)).toEqual(['AssignmentRequested', 'UnassignmentRequested']);
    await eventually(
      () =>
        expect(riderEventsOf(orderId)).toEqual([
          ['RiderAssigned', shop.rita],
          ['RiderUnassigned', shop.rita],
        ]),
      20_000,
    );
    expect(seen.orderCommands.filter((c) => c.key === orderId).map((c) => c.type)).toEqual(['AssignRider', 'UnassignRider']);
  });

  it('refuses an order that cannot change hands with the board’s state, and sends nothing to the orders service', async () => {
    const shop = await aShop();
    const unaccepted = await anOrderOnTheBoard(shop, false);
    const refused = await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${unaccepted}/rider`, { riderId: shop.rita });
    expect(refused).toMatchObject({
      status: 409,
      body: { code: 'ORDER_NOT_ASSIGNABLE', details: { status: 'awaiting_acceptance', state: { status: 'awaiting_acceptance', riderId: null } } },
    });

    // Delivered through the orders API (staff hand it over and deliver it without the rider's app).
    const delivered = await anOrderOnTheBoard(shop);
    for (const [path, body] of [
      ['production/start'],
      ['production/finish'],
      ['rider', { riderId: shop.rita }],
      ['pickup', {}],
      ['delivery', { outcome: { kind: 'recipient' } }],
    ] as Array<[string, unknown?]>) {
      expect((await toOrders(shop.staff, `/orders/${delivered}/${path}`, body)).status).toBe(200);
    }
    await eventually(async () => expect(await boardRow(shop.dispatcher, delivered)).toMatchObject({ status: 'delivered', riderId: shop.rita }), 20_000);
    expect(await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${delivered}/rider`, { riderId: shop.ron })).toMatchObject({
      status: 409,
      body: { code: 'ORDER_NOT_ASSIGNABLE', details: { status: 'delivered', state: { riderId: shop.rita } } },
    });
    expect(await toDispatch(shop.dispatcher, 'DELETE', `/deliveries/${delivered}/rider`)).toMatchObject({
      status: 409,
      body: { code: 'RIDER_HAS_THE_FLOWERS' },
    });

    // Nothing was decided for either: no decision in the log, hence nothing for the relay to send.
    const store = dispatch.app.get(EventStore);
    expect(await store.readStream(`delivery-${unaccepted}`)).toEqual([]);
    expect(await store.readStream(`delivery-${delivered}`)).toEqual([]);
    // A later decision's command arriving shows the relay has passed the refusals.
    const later = await anOrderOnTheBoard(shop);
    expect((await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${later}/rider`, { riderId: shop.ron })).status).toBe(202);
    await eventually(() => expect(seen.orderCommands.some((c) => c.key === later)).toBe(true), 20_000);
    expect(seen.orderCommands.filter((c) => c.key === unaccepted || c.key === delivered)).toEqual([]);
  });

  it('refuses a rider the shop does not have, and warns of a rider off shift', async () => {
    const shop = await aShop();
    const orderId = await anOrderOnTheBoard(shop);
    const stranger = await aShop();

    expect(await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${orderId}/rider`, { riderId: 'nobody' })).toMatchObject({
      status: 409,
      body: { code: 'RIDER_NOT_IN_SHOP' },
    });
    expect(await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${orderId}/rider`, { riderId: stranger.rita })).toMatchObject({
      status: 409,
      body: { code: 'RIDER_NOT_IN_SHOP' },
    });

    const offDuty = uniqueName('olga');
    expect((await toDispatch(shop.staff, 'POST', '/riders', { riderId: offDuty, name: 'Olga', vehicle: { kind: 'car', capacity: 12 } })).status).toBe(201);
    expect(await toDispatch(shop.dispatcher, 'PUT', `/deliveries/${orderId}/rider`, { riderId: offDuty })).toMatchObject({
      status: 202,
      body: { decision: 'assignment_requested', warnings: [{ code: 'RIDER_OFF_SHIFT' }] },
    });
  });

  it('answers 404 to another shop and for an unknown order, 403 to riders and florists, 400 to malformed requests', async () => {
    const shop = await aShop();
    const orderId = await anOrderOnTheBoard(shop);
    const path = `/deliveries/${orderId}/rider`;
    const otherShop = uniqueName('shop');

    for (const token of [as({ role: 'dispatcher', shopId: otherShop }), as({ role: 'staff', shopId: otherShop })]) {
      expect(await toDispatch(token, 'PUT', path, { riderId: shop.rita })).toMatchObject({ status: 404, body: { code: 'ORDER_NOT_FOUND' } });
      expect((await toDispatch(token, 'DELETE', path)).status).toBe(404);
    }
    expect((await toDispatch(shop.dispatcher, 'PUT', '/deliveries/no-such-order/rider', { riderId: shop.rita })).status).toBe(404);
    expect(await toDispatch(as({ role: 'rider', shopId: shop.shopId, sub: shop.rita }), 'PUT', path, { riderId: shop.rita })).toMatchObject({
      status: 403,
      body: { code: 'ROLE_NOT_ALLOWED' },
    });
    expect((await toDispatch(as({ role: 'florist', shopId: shop.shopId }), 'DELETE', path)).status).toBe(403);

    for (const body of [{}, { riderId: '' }, { riderId: shop.rita, force: true }, '{"riderId":']) {
      expect((await toDispatch(shop.dispatcher, 'PUT', path, body)).status).toBe(400);
    }
    expect((await toDispatch(shop.dispatcher, 'DELETE', `${path}?why=because`)).status).toBe(400);
    // Unassigning takes no body: a field sent anyway is refused before the board is even asked (else: 409, nobody assigned).
    expect((await toDispatch(shop.dispatcher, 'DELETE', path, { reason: 'in the body' })).status).toBe(400);
    // An operator acts for any shop.
    expect((await toDispatch(as({ role: 'operator' }), 'PUT', path, { riderId: shop.rita })).status).toBe(202);
  });
});
