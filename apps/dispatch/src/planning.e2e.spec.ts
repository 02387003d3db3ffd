import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, type PlannedRoute, TOPICS, type UnplannedOrder } from '@petalpost/contracts';
import { EventStore } from '@petalpost/event-store';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, deliveryOnTheWire, eventually, orderServiceEnvelope, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';
import { dateOf, dayNumber } from './demand/domain/demand-calendar';
import { type DayPlanEvent, dispatchSettingsStream, planDay, planDecider, planStream } from './planning/domain/plan.decider';

const tokens = developmentTokens();
const utrecht = { lat: 52.0907, lng: 5.1214 };
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

type Answer = { status: number; body: Record<string, unknown> };
type PlanBody = {
  planId: string;
  trigger: string;
  solver: string;
  routes: PlannedRoute[];
  unplanned: UnplannedOrder[];
  proposedAt: string;
  appliedAt?: string;
  appliedAutomatically?: boolean;
};

/**
 * Auto-dispatch over HTTP against the real service: orders come in on orders.events as the orders
 * relay publishes them, riders are registered and put on shift through the riders API, and what a
 * plan decides goes out on dispatch.events and orders.commands.
 */
describe('auto-dispatch (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let publisher: EventPublisher;
  let probe: Consumer;
  let namespace: string;
  const published: Array<{ topic: string; value: Record<string, unknown> & { type: string; orderId?: string; data?: Record<string, unknown> } }> = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** A request with an Idempotency-Key, answered with its headers too. */
  const keyed = async (key: string, token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  };
  const topic = (name: string) => namespaced(name, namespace);
  const publish = (name: string, ...events: IntegrationEvent[]) => publisher.publish(topic(name), events);
  const board = async (token: string) =>
    ((await call(token, 'GET', '/deliveries')).body.items ?? []) as Array<{ orderId: string; status: string; riderId?: string }>;

  /** One order's stream on the wire, delivered at `location` within `window`. */
  const newOrder = (shopId: string, window: { from: string; to: string }, location: { lat: number; lng: number } | null = { lat: 52.095, lng: 5.13 }) =>
    deliveryOnTheWire(shopId, window, { name: 'Alex Recipient', address: { text: 'Somewhere 1, Utrecht', ...(location ? { geo: location } : {}) } });

  const onShift = async (dispatcher: string, riders: Array<{ riderId: string; kind: string; capacity: number }>) => {
    for (const r of riders) {
      expect(
        (await call(dispatcher, 'POST', '/riders', { riderId: r.riderId, name: `Rider ${r.riderId}`, vehicle: { kind: r.kind, capacity: r.capacity } })).status,
      ).toBe(201);
      expect((await call(dispatcher, 'PUT', `/riders/${r.riderId}/availability`, { availability: 'on_shift' })).status).toBe(200);
    }
    await eventually(async () => expect(((await call(dispatcher, 'GET', '/riders?availability=on_shift')).body.items as unknown[]).length).toBe(riders.length));
  };
  const stopsOf = (plan: PlanBody) =>
    plan.routes.flatMap((route) => route.trips.flatMap((trip) => trip.stops.map((stop) => ({ ...stop, riderId: route.riderId }))));

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(dispatchService, {
      KAFKA_NAMESPACE: namespace,
      DISPATCH_REPLAN_DEBOUNCE_SECONDS: '1',
      DISPATCH_REPLAN_SETTLE_MS: '200',
      DISPATCH_PLAN_TIME_LIMIT_MS: '300',
    });
    const kafka = new Kafka({ clientId: 'planning-e2e', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    probe = kafka.consumer({ groupId: uniqueName('plans-probe'), maxWaitTimeInMs: 200 });
    await probe.connect();
    await probe.subscribe({ topics: [topic(TOPICS.dispatchEvents.name), topic(TOPICS.ordersCommands.name)], fromBeginning: true });
    await probe.run({ eachMessage: async ({ topic: from, message }) => void published.push({ topic: from, value: JSON.parse(String(message.value)) }) });
    // Wait until the board takes orders, so no test's events come before the consumers joined.
    const probeShop = uniqueName('shop');
    await eventually(async () => {
      await publish(TOPICS.ordersEvents.name, ...newOrder(probeShop, { from: minutesFromNow(60), to: minutesFromNow(120) }).ready());
      await eventually(async () => expect((await board(as({ role: 'dispatcher', shopId: probeShop }))).length).toBeGreaterThan(0), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await probe?.disconnect();
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('keeps a shop’s settings, with defaults for what is left out, for its own desk only', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    expect(await call(dispatcher, 'GET', '/dispatch-settings')).toEqual({
      status: 200,
      body: { shopId: shop, autoApply: false, atRiskMarginMinutes: 15, serviceMinutes: 5 },
    });
    const put = await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, serviceMinutes: 4, depot: utrecht, timeZone: 'Europe/Amsterdam' });
    expect(put).toEqual({
      status: 200,
      body: { shopId: shop, autoApply: false, atRiskMarginMinutes: 15, serviceMinutes: 4, depot: utrecht, timeZone: 'Europe/Amsterdam' },
    });
    expect((await call(as({ role: 'staff', shopId: shop }), 'GET', '/dispatch-settings')).body).toEqual(put.body);
    expect((await call(as({ role: 'operator' }), 'GET', `/dispatch-settings?shopId=${shop}`)).body).toEqual(put.body);

    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: true, timeZone: 'Mars/Olympus' })).status).toBe(400);
    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: true, colour: 'red' })).status).toBe(400);
    expect((await call(as({ role: 'dispatcher', shopId: uniqueName('shop') }), 'GET', `/dispatch-settings?shopId=${shop}`)).status).toBe(404);
    expect((await call(as({ role: 'florist', shopId: shop }), 'GET', '/dispatch-settings')).status).toBe(403);
    expect((await call(as({ role: 'rider', shopId: shop }), 'POST', '/plans', {})).status).toBe(403);
    expect((await call(dispatcher, 'GET', '/plans/latest')).status).toBe(404);
  });

  it('proposes a plan that meets every window and capacity, applies it as assignments, and refuses a stale plan', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dana' });
    const [rita, ron] = [uniqueName('rita'), uniqueName('ron')];
    await onShift(dispatcher, [
      { riderId: rita, kind: 'e-bike', capacity: 2 },
      { riderId: ron, kind: 'scooter', capacity: 3 },
    ]);
    const soon = { from: minutesFromNow(30), to: minutesFromNow(120) };
    const later = { from: minutesFromNow(90), to: minutesFromNow(180) };
    const orders = [
      newOrder(shop, soon, { lat: 52.095, lng: 5.13 }),
      newOrder(shop, soon, { lat: 52.1, lng: 5.11 }),
      newOrder(shop, soon, { lat: 52.08, lng: 5.14 }),
      newOrder(shop, later, { lat: 52.07, lng: 5.1 }),
      newOrder(shop, later, { lat: 52.11, lng: 5.15 }),
      newOrder(shop, later, null),
    ];
    for (const order of orders) await publish(TOPICS.ordersEvents.name, ...order.ready());
    await eventually(async () => expect((await board(dispatcher)).filter((d) => d.status === 'ready_for_pickup')).toHaveLength(orders.length));

    // The shop has no location set: the request brings one (nothing is planned in the background either).
    expect((await call(dispatcher, 'POST', '/plans', {})).body).toMatchObject({ code: 'DEPOT_NOT_CONFIGURED' });
    const proposed = await call(dispatcher, 'POST', '/plans', { depot: utrecht });
    expect(proposed.status).toBe(201);
    const plan = proposed.body as unknown as PlanBody;
    expect(plan).toMatchObject({ trigger: 'dispatcher:dana', solver: expect.any(String) });

    const stops = stopsOf(plan);
    const accounted = [...stops.map((s) => s.orderId), ...plan.unplanned.map((u) => u.orderId)].sort();
    expect(accounted).toEqual(orders.map((o) => o.orderId).sort());
    expect(plan.unplanned).toEqual([{ orderId: orders[5].orderId, reason: 'no-coordinates' }]);
    for (const stop of stops) {
      expect(Date.parse(stop.arriveAt)).toBeGreaterThanOrEqual(Date.parse(stop.windowFrom));
      expect(Date.parse(stop.arriveAt)).toBeLessThanOrEqual(Date.parse(stop.windowTo));
    }
    const capacity: Record<string, number> = { [rita]: 2, [ron]: 3 };
    for (const route of plan.routes) for (const trip of route.trips) expect(trip.stops.length).toBeLessThanOrEqual(capacity[route.riderId]);
    expect((await call(dispatcher, 'GET', '/plans/latest')).body).toEqual(plan);

    // Applying takes no fields: one the client believes it sends is refused, and nothing is applied.
    expect(await call(dispatcher, 'POST', `/plans/${plan.planId}/apply`, { force: true })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const applied = await call(dispatcher, 'POST', `/plans/${plan.planId}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ planId: plan.planId, appliedNow: true, skipped: [] });
    expect((applied.body.requested as unknown[]).length).toBe(stops.length);

    for (const stop of stops) {
      await eventually(async () => {
        expect(published).toContainEqual({
          topic: topic(TOPICS.dispatchEvents.name),
          value: expect.objectContaining({
            type: 'AssignmentRequested',
            data: expect.objectContaining({ orderId: stop.orderId, riderId: stop.riderId, source: 'plan', planId: plan.planId }),
          }),
        });
        expect(published).toContainEqual({
          topic: topic(TOPICS.ordersCommands.name),
          value: expect.objectContaining({ type: 'AssignRider', orderId: stop.orderId, data: expect.objectContaining({ riderId: stop.riderId }) }),
        });
      });
    }
    await eventually(async () => {
      const rows = await service.app.get(DataSource).query(`SELECT order_id, rider_id, plan_id, trip, seq FROM planned_stops WHERE shop_id = $1`, [shop]);
      expect(rows).toHaveLength(stops.length);
      expect(rows.every((r: { plan_id: string }) => r.plan_id === plan.planId)).toBe(true);
    });

    // Applying twice asks for nothing again; a plan replaced by a newer one is refused with the latest named.
    expect((await call(dispatcher, 'POST', `/plans/${plan.planId}/apply`)).body).toMatchObject({ appliedNow: false, requested: [] });
    const newer = (await call(dispatcher, 'POST', '/plans', { depot: utrecht })).body as unknown as PlanBody;
    const stale = await call(dispatcher, 'POST', `/plans/${plan.planId}/apply`);
    expect(stale).toMatchObject({ status: 409, body: { code: 'PLAN_NOT_LATEST', details: { latestPlanId: newer.planId } } });
    expect((await call(dispatcher, 'POST', `/plans/${randomUUID()}/apply`)).status).toBe(409);
    expect((await call(as({ role: 'dispatcher', shopId: uniqueName('shop') }), 'POST', `/plans/${newer.planId}/apply?shopId=${shop}`)).status).toBe(404);
  });

  it('reads bounded streams: the settings once, and only the plans of the shop’s own day', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const store = service.app.get(EventStore);
    const timeZone = 'Pacific/Kiritimati';
    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, depot: utrecht, timeZone })).status).toBe(200);

    const plans: PlanBody[] = [];
    for (let i = 0; i < 4; i++) plans.push((await call(dispatcher, 'POST', '/plans', {})).body as unknown as PlanBody);
    const last = plans[plans.length - 1];
    expect((await call(dispatcher, 'POST', `/plans/${last.planId}/apply`)).status).toBe(200);

    expect((await store.readStream(dispatchSettingsStream(shop))).map((e) => e.type)).toEqual(['DispatchSettingsChanged']);
    // A day's stream holds that local day's plans only (UTC+14: mostly not the UTC date); a run across midnight splits them.
    const byDay = new Map<string, string[]>();
    for (const plan of plans) {
      const day = planDay(plan.proposedAt, timeZone);
      byDay.set(day, [...(byDay.get(day) ?? []), plan.planId]);
    }
    expect(await store.readStream(`plans-${shop}`)).toEqual([]);
    for (const [day, planIds] of byDay) {
      const events = (await store.readStream(planStream(shop, day))) as unknown as DayPlanEvent[];
      expect(events.filter((e) => e.type === 'PlanProposed').map((e) => e.data.planId)).toEqual(planIds);
    }
    const lastDay = await store.readStream(planStream(shop, planDay(last.proposedAt, timeZone)));
    // Applying appends PlanApplied, then what the riders are told of their runs.
    expect(lastDay.filter((e) => e.type !== 'RiderRunReplanned').at(-1)).toMatchObject({ type: 'PlanApplied', data: { planId: last.planId } });
  });

  it('answers a retried settings change, proposal or apply with the same Idempotency-Key without doing it again', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop, sub: 'dana' });
    const store = service.app.get(EventStore);
    const rita = uniqueName('rita');
    await onShift(dispatcher, [{ riderId: rita, kind: 'e-bike', capacity: 3 }]);
    const window = { from: minutesFromNow(30), to: minutesFromNow(150) };
    const orders = [newOrder(shop, window, { lat: 52.095, lng: 5.13 }), newOrder(shop, window, { lat: 52.1, lng: 5.11 })];
    for (const order of orders) await publish(TOPICS.ordersEvents.name, ...order.ready());
    await eventually(async () => expect((await board(dispatcher)).filter((d) => d.status === 'ready_for_pickup')).toHaveLength(orders.length));

    // Settings (no depot: nothing is planned in the background to overtake this test's plan).
    const settings = await keyed('settings-1', dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, serviceMinutes: 4 });
    expect(settings.status).toBe(200);
    const settingsAgain = await keyed('settings-1', dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, serviceMinutes: 4 });
    expect(settingsAgain).toMatchObject({ status: 200, body: settings.body });
    expect(settingsAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(settingsAgain.headers.get('etag')).toBe(settings.headers.get('etag'));
    expect(await keyed('settings-1', dispatcher, 'PUT', '/dispatch-settings', { autoApply: true })).toMatchObject({
      status: 409,
      body: { code: 'IDEMPOTENCY_KEY_REUSED' },
    });
    expect((await store.readStream(dispatchSettingsStream(shop))).map((e) => e.type)).toEqual(['DispatchSettingsChanged']);

    // A proposal: the retry answers the plan the first request proposed.
    const proposed = await keyed('plan-1', dispatcher, 'POST', '/plans', { depot: utrecht });
    expect(proposed.status).toBe(201);
    const plan = proposed.body as unknown as PlanBody;
    const proposedAgain = await keyed('plan-1', dispatcher, 'POST', '/plans', { depot: utrecht });
    expect(proposedAgain).toMatchObject({ status: 201, body: proposed.body });
    expect(proposedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(proposedAgain.headers.get('etag')).toBe(proposed.headers.get('etag'));
    const today = planStream(shop, planDay(plan.proposedAt, service.config.DISPATCH_TIME_ZONE));
    expect(((await store.readStream(today)) as unknown as DayPlanEvent[]).map((e) => e.type)).toEqual(['PlanProposed']);

    // Applying: the retry asks nothing again, and says so as any second apply does.
    const stops = stopsOf(plan);
    expect(stops).toHaveLength(orders.length);
    const applied = await keyed('apply-1', dispatcher, 'POST', `/plans/${plan.planId}/apply`);
    expect(applied).toMatchObject({ status: 200, body: { planId: plan.planId, appliedNow: true, skipped: [] } });
    expect(applied.body.requested).toHaveLength(stops.length);
    const appliedAgain = await keyed('apply-1', dispatcher, 'POST', `/plans/${plan.planId}/apply`);
    expect(appliedAgain).toMatchObject({ status: 200, body: { planId: plan.planId, appliedNow: false, requested: [], skipped: [] } });
    expect(appliedAgain.headers.get('idempotent-replayed')).toBe('true');
    expect(appliedAgain.headers.get('etag')).toBe(applied.headers.get('etag'));
    expect(((await store.readStream(today)) as unknown as DayPlanEvent[]).map((e) => e.type)).toEqual(['PlanProposed', 'PlanApplied', 'RiderRunReplanned']);
    for (const stop of stops) {
      expect((await store.readStream(`delivery-${stop.orderId}`)).map((e) => e.type)).toEqual(['AssignmentRequested']);
    }
  });

  it('offers and applies only today’s plans: yesterday’s latest is not found, and refused', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const timeZone = 'Europe/Amsterdam';
    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, depot: utrecht, timeZone })).status).toBe(200);
    const yesterday = dateOf(dayNumber(planDay(new Date().toISOString(), timeZone)) - 1);
    const proposedAt = `${yesterday}T18:00:00.000Z`;
    const old = { planId: randomUUID(), shopId: shop, trigger: 'dispatcher:dana', solver: 'sisr', routes: [], unplanned: [], distanceMeters: 0, proposedAt };
    await service.app.get(EventStore).append(planStream(shop, yesterday), planDecider.streamType, 0, [{ type: 'PlanProposed', data: old }], {
      correlationId: randomUUID(),
      occurredAt: proposedAt,
    });

    expect(await call(dispatcher, 'GET', '/plans/latest')).toMatchObject({ status: 404, body: { code: 'PLAN_NOT_FOUND' } });
    expect(await call(dispatcher, 'POST', `/plans/${old.planId}/apply`)).toMatchObject({
      status: 409,
      body: { code: 'PLAN_NOT_LATEST', details: { latestPlanId: null } },
    });
    const today = (await call(dispatcher, 'POST', '/plans', {})).body as unknown as PlanBody;
    expect(await call(dispatcher, 'POST', `/plans/${old.planId}/apply`)).toMatchObject({
      status: 409,
      body: { code: 'PLAN_NOT_LATEST', details: { latestPlanId: today.planId } },
    });
    expect((await call(dispatcher, 'GET', '/plans/latest')).body).toMatchObject({ planId: today.planId });
    expect((await call(dispatcher, 'POST', `/plans/${today.planId}/apply`)).status).toBe(200);
  });

  it('plans and applies by itself when a new order is ready in a shop that lets it', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const rita = uniqueName('rita');
    await onShift(dispatcher, [{ riderId: rita, kind: 'bicycle', capacity: 4 }]);
    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: true, depot: utrecht })).status).toBe(200);

    const order = newOrder(shop, { from: minutesFromNow(30), to: minutesFromNow(150) });
    await publish(TOPICS.ordersEvents.name, ...order.ready());
    const plan = await eventually(async () => {
      const latest = (await call(dispatcher, 'GET', '/plans/latest')).body as unknown as PlanBody;
      expect(latest.appliedAutomatically).toBe(true);
      expect(stopsOf(latest).map((s) => s.orderId)).toEqual([order.orderId]);
      return latest;
    }, 20_000);
    expect(stopsOf(plan)).toEqual([expect.objectContaining({ orderId: order.orderId, riderId: rita })]);
    await eventually(async () =>
      expect(published).toContainEqual({
        topic: topic(TOPICS.dispatchEvents.name),
        value: expect.objectContaining({
          type: 'AssignmentRequested',
          data: expect.objectContaining({ orderId: order.orderId, riderId: rita, source: 'replan', planId: plan.planId }),
        }),
      }),
    );
  });

  it('plans without a rider whose vehicle broke down, at once, and lists what they carry for a hand-over', async () => {
    const shop = uniqueName('shop');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const [rita, ron] = [uniqueName('rita'), uniqueName('ron')];
    await onShift(dispatcher, [
      { riderId: rita, kind: 'e-bike', capacity: 4 },
      { riderId: ron, kind: 'scooter', capacity: 4 },
    ]);
    expect((await call(dispatcher, 'PUT', '/dispatch-settings', { autoApply: false, depot: utrecht })).status).toBe(200);
    const window = { from: minutesFromNow(30), to: minutesFromNow(150) };
    const waiting = newOrder(shop, window);
    const loaded = newOrder(shop, window, { lat: 52.1, lng: 5.12 });
    await publish(TOPICS.ordersEvents.name, ...waiting.ready(), waiting.assigned(ron));
    await publish(TOPICS.ordersEvents.name, ...loaded.ready(), loaded.assigned(ron), loaded.pickedUp(ron));
    await eventually(async () => expect((await board(dispatcher)).map((d) => d.status).sort()).toEqual(['out_for_delivery', 'ready_for_pickup']));

    const exceptionId = randomUUID();
    const reportedAt = new Date().toISOString();
    const report = orderServiceEnvelope(shop, `exception-${exceptionId}`, 1, {
      type: 'ExceptionReported',
      data: {
        exceptionId,
        orderId: loaded.orderId,
        shopId: shop,
        details: { type: 'vehicle_broken' },
        position: utrecht,
        riderId: ron,
        reportedBy: { role: 'rider', subject: ron },
        reportedAt,
      },
    });
    await publish(TOPICS.messagingEvents.name, report);

    const plan = await eventually(async () => {
      const latest = (await call(dispatcher, 'GET', '/plans/latest')).body as unknown as PlanBody;
      expect(latest.trigger).toBe(`vehicle_breakdown:${ron}`);
      return latest;
    }, 20_000);
    expect(plan.routes.map((r) => r.riderId)).toEqual([rita]);
    expect(stopsOf(plan)).toEqual([expect.objectContaining({ orderId: waiting.orderId, riderId: rita })]);
    expect(plan.unplanned).toEqual([{ orderId: loaded.orderId, reason: 'rider-vehicle-broken' }]);

    // The rider stays out of the shop's plans for the rest of the day.
    const next = (await call(dispatcher, 'POST', '/plans', {})).body as unknown as PlanBody;
    expect(next.routes.map((r) => r.riderId)).toEqual([rita]);
  });
});
