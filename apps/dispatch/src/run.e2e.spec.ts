import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, type PlannedRoute, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, deliveryOnTheWire, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';
import type { RiderRun } from './run/domain/rider-run';

const tokens = developmentTokens();
const utrecht = { lat: 52.0907, lng: 5.1214 };
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

type Answer = { status: number; body: Record<string, unknown> };

/**
 * The rider's run against the real service: orders come in on orders.events as the orders relay
 * publishes them (the assignments too, as the orders service would answer dispatch's commands), a
 * dispatcher plans and applies, and each rider reads their own run.
 */
describe('the rider’s run (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let probe: Consumer;
  let namespace: string;
  const dispatchEvents: Array<{ key: string; type: string; data: Record<string, unknown> }> = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const publish = (...events: IntegrationEvent[]) => publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), events);
  const board = async (token: string) =>
    ((await call(token, 'GET', '/deliveries')).body.items ?? []) as Array<{ orderId: string; status: string; riderId?: string }>;
  const runOf = async (token: string) => {
    const answer = await call(token, 'GET', '/riders/me/run');
    expect(answer.status).toBe(200);
    return answer.body as unknown as RiderRun;
  };

  /** An order whose window opened ten minutes ago, so it is today's on any clock. */
  const newOrder = (shopId: string, location: { lat: number; lng: number }) =>
    deliveryOnTheWire(
      shopId,
      { from: minutesFromNow(-10), to: minutesFromNow(180) },
      { name: 'Alex Recipient', phone: '+31 6 0000 0000', address: { text: 'Somewhere 1, Utrecht', geo: location } },
    );

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace, DISPATCH_PLAN_TIME_LIMIT_MS: '300' });
    const kafka = new Kafka({ clientId: 'run-e2e', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    probe = kafka.consumer({ groupId: uniqueName('run-probe'), maxWaitTimeInMs: 200 });
    await probe.connect();
    await probe.subscribe({ topics: [namespaced(TOPICS.dispatchEvents.name, namespace)], fromBeginning: true });
    await probe.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(String(message.value)) as { type: string; data: Record<string, unknown> };
        dispatchEvents.push({ key: String(message.key), type: event.type, data: event.data });
      },
    });
  });
  afterAll(async () => {
    await probe?.disconnect();
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('shows each rider only their own stops, in the applied plan’s order, the hand-assigned after; a delivered order leaves it', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dana' });
    const [rita, ron] = [uniqueName('rita'), uniqueName('ron')];
    for (const riderId of [rita, ron]) {
      expect((await call(dispatcher, 'POST', '/riders', { riderId, name: `Rider ${riderId}`, vehicle: { kind: 'scooter', capacity: 2 } })).status).toBe(201);
      expect((await call(dispatcher, 'PUT', `/riders/${riderId}/availability`, { availability: 'on_shift' })).status).toBe(200);
    }
    await eventually(async () => expect(((await call(dispatcher, 'GET', '/riders?availability=on_shift')).body.items as unknown[]).length).toBe(2));

    const orders = [
      newOrder(shop, { lat: 52.095, lng: 5.13 }),
      newOrder(shop, { lat: 52.1, lng: 5.11 }),
      newOrder(shop, { lat: 52.08, lng: 5.14 }),
      newOrder(shop, { lat: 52.07, lng: 5.1 }),
    ];
    for (const o of orders) await publish(...o.ready());
    await eventually(async () => expect((await board(dispatcher)).filter((d) => d.status === 'ready_for_pickup')).toHaveLength(orders.length));

    const plan = (await call(dispatcher, 'POST', '/plans', { depot: utrecht })).body as { planId: string; routes: PlannedRoute[] };
    expect((await call(dispatcher, 'POST', `/plans/${plan.planId}/apply`)).status).toBe(200);
    const plannedFor = (riderId: string) =>
      plan.routes
        .filter((r) => r.riderId === riderId)
        .flatMap((r) => r.trips.flatMap((trip, t) => trip.stops.map((stop, s) => ({ orderId: stop.orderId, trip: t + 1, stop: s + 1 }))));
    // Each rider the plan gives stops hears of their run, keyed by rider, the orders in the plan's order.
    for (const riderId of [rita, ron].filter((r) => plannedFor(r).length > 0)) {
      await eventually(() =>
        expect(dispatchEvents.filter((e) => e.type === 'RiderRunReplanned' && e.data.riderId === riderId)).toEqual([
          {
            key: riderId,
            type: 'RiderRunReplanned',
            data: { riderId, shopId: shop, planId: plan.planId, orderIds: plannedFor(riderId).map((s) => s.orderId), appliedAt: expect.any(String) },
          },
        ]),
      );
    }
    const riderOf = new Map(plan.routes.flatMap((r) => r.trips.flatMap((trip) => trip.stops.map((stop) => [stop.orderId, r.riderId] as const))));
    expect(riderOf.size).toBe(orders.length);

    // The orders service answers each assignment; a fifth order is then given to ron by hand.
    for (const o of orders) await publish(o.assigned(riderOf.get(o.orderId)!));
    const byHand = newOrder(shop, { lat: 52.09, lng: 5.12 });
    await publish(...byHand.ready(), byHand.assigned(ron));
    await eventually(async () => expect((await board(dispatcher)).filter((d) => d.riderId !== undefined)).toHaveLength(orders.length + 1));

    const ritaRun = await runOf(as({ role: 'rider', shopId: shop, sub: rita }));
    const ronRun = await runOf(as({ role: 'rider', shopId: shop, sub: ron }));
    expect(ritaRun).toMatchObject({ riderId: rita, shopId: shop, planId: plannedFor(rita).length ? plan.planId : null, asOf: expect.any(String) });
    expect(ritaRun.stops.map(({ orderId, trip, stop }) => ({ orderId, trip, stop }))).toEqual(plannedFor(rita));
    expect(ronRun.stops.map(({ orderId, trip, stop }) => ({ orderId, trip, stop }))).toEqual([
      ...plannedFor(ron),
      { orderId: byHand.orderId, trip: null, stop: null },
    ]);
    for (const { eta, trip: _trip, stop: _stop, ...stop } of [...ritaRun.stops, ...ronRun.stops]) {
      expect(stop).toEqual({
        orderId: expect.any(String),
        status: 'ready_for_pickup',
        window: { from: expect.any(String), to: expect.any(String), timeZone: 'UTC' },
        risk: 'on_time',
        riskSince: null,
        carrying: false,
      });
      expect(eta === null || typeof eta === 'string').toBe(true);
    }
    expect(JSON.stringify([ritaRun, ronRun])).not.toContain('Alex');
    if (ritaRun.planId !== null) expect(Date.parse(ritaRun.plannedAt!)).toBeGreaterThan(0);

    // Ron picks up his hand-assigned order, then delivers it: carried, then gone from the run.
    await publish(byHand.pickedUp(ron));
    await eventually(async () =>
      expect((await runOf(as({ role: 'rider', shopId: shop, sub: ron }))).stops).toContainEqual(
        expect.objectContaining({ orderId: byHand.orderId, carrying: true, status: 'out_for_delivery' }),
      ),
    );
    await publish(byHand.delivered(ron));
    await eventually(async () =>
      expect((await runOf(as({ role: 'rider', shopId: shop, sub: ron }))).stops.map((s) => s.orderId)).toEqual(plannedFor(ron).map((s) => s.orderId)),
    );

    // A rider of another shop with the same name sees nothing of it.
    expect((await runOf(as({ role: 'rider', shopId: uniqueName('shop'), sub: rita }))).stops).toEqual([]);
  });

  it('is for riders only', async () => {
    const shop = uniqueName('shop');
    for (const role of ['dispatcher', 'staff', 'florist', 'operator'] as const) {
      expect(await call(as({ role, ...(role === 'operator' ? {} : { shopId: shop }) }), 'GET', '/riders/me/run')).toMatchObject({
        status: 403,
        body: { code: 'ROLE_NOT_ALLOWED' },
      });
    }
  });
});
