import { createDispatchClient, createOrdersClient, type DispatchPaths } from '@petalpost/api-clients';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { createEventDecoder, decodeOrderCommand, DISPATCH_EVENT_CONTRACTS, namespaced, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';

const tokens = developmentTokens();
const decodeOrderEvent = createEventDecoder(ORDER_EVENT_CONTRACTS);
const decodeDispatchEvent = createEventDecoder(DISPATCH_EVENT_CONTRACTS);
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const shopAt = { lat: 52.09, lng: 5.12 };
/** About `km` kilometres east of the shop. */
const east = (km: number) => ({ lat: shopAt.lat, lng: shopAt.lng + km / 68.5 });

type Seen = { key: string; type: string; data: Record<string, unknown> };
type Plan = DispatchPaths['/plans/latest']['get']['responses'][200]['content']['application/json'];

/**
 * The whole path of a delivery through dispatch, with the real orders service as its own process:
 * orders ready → a plan → assignment commands → the orders service's events → the rider picks up
 * with the label's code → the rider's position → ETAs and an at-risk warning on dispatch.events.
 */
describe('from ready orders to ETAs and risk (real orders and dispatch services, Postgres and Kafka)', () => {
  let dispatch: RunningService<DispatchConfig>;
  let orders: ServiceProcess;
  let probe: Consumer;
  const seen = { orderEvents: [] as Seen[], orderCommands: [] as Seen[], dispatchEvents: [] as Seen[] };

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const toDispatch = (token: string) => createDispatchClient(dispatch.url, { token });
  const toOrders = (token: string) => createOrdersClient(orders.url, { token });
  const dispatchAbout = (orderId: string, type: string) => seen.dispatchEvents.filter((m) => m.type === type && m.data.orderId === orderId);

  /** An order placed, accepted and made through the orders API: ready for pickup, with the label's code. */
  const readyOrder = async (staff: string, to: { lat: number; lng: number }, window: { from: string; to: string }) => {
    const placed = await toOrders(staff).POST('/orders', {
      body: {
        reference: uniqueName('WEB'),
        orderType: 'gift',
        items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
        deliveryWindow: { ...window, timeZone: 'Europe/Amsterdam' },
        buyer: { name: 'Sam Buyer', phone: '+31 6 1234 5678' },
        recipient: { name: 'Alex Recipient', addressType: 'residence', address: { text: 'Lindenlaan 3, Utrecht', geo: to } },
        price: { amountMinor: 4950, currency: 'EUR' },
      },
    });
    expect(placed.response.status).toBe(201);
    const orderId = placed.data!.orderId;
    for (const step of ['accept', 'production/start', 'production/finish'] as const)
      expect((await toOrders(staff).POST(`/orders/{orderId}/${step}`, { params: { path: { orderId } }, body: {} })).response.status).toBe(200);
    return { orderId, pickupCode: placed.data!.pickupCode! };
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    // The orders service runs as its own built process: apps never import each other.
    [orders, dispatch] = await Promise.all([
      startServiceProcess('orders', { KAFKA_NAMESPACE: namespace }),
      startTestService(dispatchService, {
        KAFKA_NAMESPACE: namespace,
        ETA_REFRESH_SECONDS: '1',
        ETA_RIDER_DEBOUNCE_SECONDS: '0.2',
        DISPATCH_REPLAN_DEBOUNCE_SECONDS: '1',
      }),
    ]);
    const topics = {
      orderEvents: namespaced(TOPICS.ordersEvents.name, namespace),
      orderCommands: namespaced(TOPICS.ordersCommands.name, namespace),
      dispatchEvents: namespaced(TOPICS.dispatchEvents.name, namespace),
    };
    probe = new Kafka({ clientId: 'dispatch-flow-probe', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('probe'),
      maxWaitTimeInMs: 200,
    });
    await probe.connect();
    await probe.subscribe({ topics: Object.values(topics), fromBeginning: true });
    await probe.run({
      eachMessage: async ({ topic, message }) => {
        const key = String(message.key);
        if (topic === topics.orderCommands) {
          const command = decodeOrderCommand(message.value);
          seen.orderCommands.push({ key, type: command.type, data: { ...(command.data as Record<string, unknown>), orderId: command.orderId } });
          return;
        }
        const decoded = (topic === topics.orderEvents ? decodeOrderEvent : decodeDispatchEvent)(message.value);
        if (decoded.known)
          (topic === topics.orderEvents ? seen.orderEvents : seen.dispatchEvents).push({
            key,
            type: decoded.type,
            data: decoded.data as Record<string, unknown>,
          });
      },
    });
  }, 120_000);
  afterAll(async () => {
    await probe?.disconnect();
    await Promise.all([dispatch?.app.close(), orders?.stop()]);
  });

  it('plans the ready orders, assigns them through the orders service, and tells ETAs and the risk of the tight one', async () => {
    const shopId = uniqueName('shop');
    const staff = as({ role: 'staff', shopId });
    const dispatcher = as({ role: 'dispatcher', shopId });
    const rita = uniqueName('rita');
    expect(
      (await toDispatch(staff).POST('/riders', { body: { riderId: rita, name: 'Rita', vehicle: { kind: 'bicycle', capacity: 6 } } })).response.status,
    ).toBe(201);
    expect(
      (await toDispatch(dispatcher).PUT('/riders/{riderId}/availability', { params: { path: { riderId: rita } }, body: { availability: 'on_shift' } })).response
        .status,
    ).toBe(200);
    expect(
      (
        await toDispatch(dispatcher).PUT('/dispatch-settings', {
          body: { autoApply: false, atRiskMarginMinutes: 15, depot: shopAt, timeZone: 'Europe/Amsterdam' },
        })
      ).response.status,
    ).toBe(200);

    // The tight one must be at the door within 40 minutes; the easy one has all afternoon.
    const tight = await readyOrder(staff, east(1), { from: minutesFromNow(-20), to: minutesFromNow(40) });
    const easy = await readyOrder(staff, east(2), { from: minutesFromNow(-20), to: minutesFromNow(300) });
    await eventually(async () => {
      const board = (await toDispatch(dispatcher).GET('/deliveries', { params: { query: { status: 'ready_for_pickup' } } })).data!.items;
      expect(board.map((d) => d.orderId).sort()).toEqual([tight.orderId, easy.orderId].sort());
    }, 20_000);

    // Orders ready → a plan, proposed by dispatch on its own: both on Rita's trip, every stop inside its window.
    const stopsOf = (plan: Plan) => plan.routes.flatMap((r) => r.trips.flatMap((t) => t.stops.map((stop) => ({ ...stop, riderId: r.riderId }))));
    const plan = await eventually(async () => {
      const latest = await toDispatch(dispatcher).GET('/plans/latest');
      expect(latest.response.status).toBe(200);
      const proposed = latest.data!;
      expect(
        stopsOf(proposed)
          .map((stop) => stop.orderId)
          .sort(),
      ).toEqual([tight.orderId, easy.orderId].sort());
      return proposed;
    }, 30_000);
    expect(plan.trigger).not.toMatch(/^dispatcher:/);
    expect(plan.unplanned).toEqual([]);
    for (const stop of stopsOf(plan)) {
      expect(stop.riderId).toBe(rita);
      expect(Date.parse(stop.arriveAt)).toBeLessThanOrEqual(Date.parse(stop.windowTo));
    }

    // Plan → assignment commands → the orders service's own events → the board.
    expect((await toDispatch(dispatcher).POST('/plans/{planId}/apply', { params: { path: { planId: plan.planId } }, body: {} })).response.status).toBe(200);
    await eventually(() => {
      expect(
        seen.orderCommands
          .filter((c) => c.type === 'AssignRider')
          .map((c) => [c.data.orderId, c.data.riderId])
          .sort(),
      ).toEqual(
        [
          [tight.orderId, rita],
          [easy.orderId, rita],
        ].sort(),
      );
      expect(
        seen.orderEvents
          .filter((e) => e.type === 'RiderAssigned' && e.data.riderId === rita)
          .map((e) => e.data.orderId)
          .sort(),
      ).toEqual([tight.orderId, easy.orderId].sort());
    }, 20_000);

    // Rita picks up the tight one with the label's code: out for delivery.
    const riderToken = as({ role: 'rider', shopId, sub: rita });
    expect(
      (await toOrders(riderToken).POST('/orders/{orderId}/pickup', { params: { path: { orderId: tight.orderId } }, body: { pickupCode: tight.pickupCode } }))
        .response.status,
    ).toBe(200);
    await eventually(async () => {
      const board = (await toDispatch(dispatcher).GET('/deliveries', { params: { query: { status: 'out_for_delivery' } } })).data!.items;
      expect(board.map((d) => d.orderId)).toEqual([tight.orderId]);
    }, 20_000);

    // She is 9 km the wrong way: about 47 minutes to the tight one, past 40 − 15.
    expect(
      (await toDispatch(riderToken).POST('/riders/me/positions', { body: { positions: [{ ...east(-8), accuracy: 5, recordedAt: new Date().toISOString() }] } }))
        .response.status,
    ).toBe(202);
    await eventually(() => {
      expect(dispatchAbout(tight.orderId, 'DeliveryAtRisk')).toHaveLength(1);
      expect(dispatchAbout(easy.orderId, 'EtaUpdated').length).toBeGreaterThan(0);
    }, 20_000);
    const [risk] = dispatchAbout(tight.orderId, 'DeliveryAtRisk');
    expect(risk).toMatchObject({ key: tight.orderId, data: { shopId, riderId: rita, marginMinutes: 15 } });
    // The easy one comes after the tight one, a ride back to the shop and a ride out: later, but in time.
    // (Its first ETA may predate the position report; the one estimated from the report follows.)
    const lastEta = (orderId: string) => Date.parse(dispatchAbout(orderId, 'EtaUpdated').at(-1)!.data.eta as string);
    await eventually(() => expect(lastEta(easy.orderId)).toBeGreaterThan(lastEta(tight.orderId)), 20_000);
    expect(dispatchAbout(easy.orderId, 'DeliveryAtRisk')).toEqual([]);
  });
});
