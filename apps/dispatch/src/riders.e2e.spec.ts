import { developmentTokens, type Principal } from '@petalpost/auth';
import { createEventDecoder, DISPATCH_EVENT_CONTRACTS, type IntegrationEvent, namespaced, TOPICS } from '@petalpost/contracts';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';
import { ridersOnShift } from './riders/riders.queries';

const tokens = developmentTokens();
const decode = createEventDecoder(DISPATCH_EVENT_CONTRACTS);

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { items?: Array<Record<string, unknown>> };
}

/** Riders' profiles and availability over HTTP against the real dispatch service, Postgres and Kafka. */
describe('riders (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let consumer: Consumer;
  const published: Array<{ key: string; event: IntegrationEvent }> = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const call = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
  };
  const register = (token: string, body: unknown, headers?: Record<string, string>) => call(token, 'POST', '/riders', body, headers);
  const riderBody = (riderId: string, overrides: Record<string, unknown> = {}) => ({
    riderId,
    name: 'Rita Rider',
    phone: '+31 6 1111 2222',
    vehicle: { kind: 'e-bike', capacity: 6 },
    ...overrides,
  });
  const eventsOf = (riderId: string) => published.filter((m) => m.key === riderId).map((m) => m.event);
  const listOf = async (token: string, query = '') => (await call(token, 'GET', `/riders${query}`)).body.items ?? [];

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace });
    consumer = new Kafka({ clientId: 'riders-reader', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('riders-reader'),
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [namespaced(TOPICS.dispatchEvents.name, namespace)], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decode(message.value);
        if (decoded.known) published.push({ key: String(message.key), event: decoded.event });
      },
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await service?.app.close();
  });

  it('registers a rider off shift, publishes it keyed by rider, and lists them for their shop', async () => {
    const shop = uniqueName('shop');
    const otherShop = uniqueName('shop');
    const rita = uniqueName('rita');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });

    const registered = await register(dispatcher, riderBody(rita, { shopIds: [otherShop] }));
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({
      riderId: rita,
      shopId: shop,
      shopIds: [shop],
      pendingShopIds: [otherShop],
      name: 'Rita Rider',
      phone: '+31 6 1111 2222',
      vehicle: { kind: 'e-bike', capacity: 6, speedProfile: { kmh: expect.any(Number), rushHourFactor: expect.any(Number) } },
      availability: 'off',
      availabilitySince: expect.any(String),
      version: 1,
    });

    await eventually(() => expect(eventsOf(rita).map((e) => e.type)).toEqual(['RiderRegistered']));
    expect(eventsOf(rita)[0]).toMatchObject({
      shopId: shop,
      streamId: `rider-${rita}`,
      data: { riderId: rita, shopIds: [shop], pendingShopIds: [otherShop], vehicle: { kind: 'e-bike', capacity: 6 } },
    });

    // Eventually consistent: the list reads the riders read model.
    await eventually(async () => expect(await listOf(dispatcher)).toEqual([registered.body]));
    expect(await listOf(as({ role: 'operator' }), `?shopId=${shop}`)).toEqual([registered.body]);
    // Offered, not yet approved: the other shop does not ride with them.
    expect(await listOf(as({ role: 'staff', shopId: otherShop }))).toEqual([]);
    expect(await listOf(as({ role: 'dispatcher', shopId: uniqueName('shop') }))).toEqual([]);

    const rows = await service.app.get(DataSource).query(`SELECT * FROM riders WHERE rider_id = $1`, [rita]);
    expect(rows).toEqual([
      {
        rider_id: rita,
        shop_id: shop,
        shop_ids: [shop],
        pending_shop_ids: [otherShop],
        name: 'Rita Rider',
        phone: '+31 6 1111 2222',
        vehicle_kind: 'e-bike',
        capacity: 6,
        availability: 'off',
        availability_since: new Date(registered.body.availabilitySince as string),
        version: 1,
      },
    ]);
  });

  it('puts a rider on shift, on a break and off, by the rider and by the desk, and counts only who is on shift', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rita');
    const ron = uniqueName('ron');
    const staff = as({ role: 'staff', shopId: shop });
    const ritaHerself = as({ role: 'rider', shopId: shop, sub: rita });
    expect((await register(staff, riderBody(rita))).status).toBe(201);
    expect((await register(staff, riderBody(ron, { name: 'Ron', vehicle: { kind: 'car', capacity: 20 } }))).status).toBe(201);

    const onShift = await call(ritaHerself, 'PUT', '/riders/me/availability', { availability: 'on_shift' });
    expect(onShift).toMatchObject({ status: 200, body: { riderId: rita, availability: 'on_shift', version: 2 } });
    // Already so: nothing is recorded, and the answer is the rider as they are.
    expect(await call(ritaHerself, 'PUT', '/riders/me/availability', { availability: 'on_shift' })).toMatchObject({
      status: 200,
      body: { availability: 'on_shift', version: 2 },
    });
    // A break is part of a shift.
    expect(await call(staff, 'PUT', `/riders/${ron}/availability`, { availability: 'on_break' })).toMatchObject({
      status: 409,
      body: { code: 'RIDER_NOT_ON_SHIFT', details: { state: { availability: 'off' } } },
    });
    expect(await call(staff, 'PUT', `/riders/${ron}/availability`, { availability: 'on_shift' })).toMatchObject({
      status: 200,
      body: { availability: 'on_shift' },
    });

    const db = service.app.get(DataSource);
    await eventually(async () =>
      expect(await ridersOnShift(db, shop)).toEqual(
        [
          { riderId: rita, vehicleKind: 'e-bike', capacity: 6 },
          { riderId: ron, vehicleKind: 'car', capacity: 20 },
        ].sort((a, b) => a.riderId.localeCompare(b.riderId)),
      ),
    );

    expect(await call(ritaHerself, 'PUT', '/riders/me/availability', { availability: 'on_break' })).toMatchObject({
      status: 200,
      body: { availability: 'on_break', version: 3 },
    });
    await eventually(async () => expect(await ridersOnShift(db, shop)).toEqual([{ riderId: ron, vehicleKind: 'car', capacity: 20 }]));
    await eventually(async () => expect((await listOf(staff, '?availability=on_break')).map((r) => r.riderId)).toEqual([rita]));

    await eventually(() =>
      expect(
        eventsOf(rita).map((e) => [e.type, (e.data as { availability?: string; previous?: string }).availability, (e.data as { previous?: string }).previous]),
      ).toEqual([
        ['RiderRegistered', undefined, undefined],
        ['RiderAvailabilityChanged', 'on_shift', 'off'],
        ['RiderAvailabilityChanged', 'on_break', 'on_shift'],
      ]),
    );
    const changed = eventsOf(rita)[1];
    expect(changed.metadata.actor).toEqual({ role: 'rider', subject: rita, shopId: shop });
  });

  it('changes only the given fields of a profile, by the shop that owns it', async () => {
    const shop = uniqueName('shop');
    const partner = uniqueName('shop');
    const rita = uniqueName('rita');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    expect((await register(dispatcher, riderBody(rita, { shopIds: [partner] }))).status).toBe(201);

    const updated = await call(dispatcher, 'PATCH', `/riders/${rita}`, { vehicle: { kind: 'scooter', capacity: 10 } });
    expect(updated).toMatchObject({
      status: 200,
      body: { name: 'Rita Rider', phone: '+31 6 1111 2222', vehicle: { kind: 'scooter', capacity: 10 }, version: 2 },
    });
    await eventually(() =>
      expect(eventsOf(rita).at(-1)).toMatchObject({
        type: 'RiderProfileUpdated',
        data: { riderId: rita, shopId: shop, vehicle: { kind: 'scooter', capacity: 10 } },
      }),
    );
    expect(eventsOf(rita).at(-1)!.data).not.toHaveProperty('name');

    // The partner shop, once it approved the rider, sees them and may set their availability, not change their profile.
    expect((await call(as({ role: 'dispatcher', shopId: partner }), 'POST', `/riders/${rita}/approve`, {})).status).toBe(200);
    expect(await call(as({ role: 'dispatcher', shopId: partner }), 'PATCH', `/riders/${rita}`, { name: 'X' })).toMatchObject({
      status: 403,
      body: { code: 'RIDER_PROFILE_OWNED_ELSEWHERE' },
    });
    expect((await call(as({ role: 'dispatcher', shopId: partner }), 'PUT', `/riders/${rita}/availability`, { availability: 'on_shift' })).status).toBe(200);
    expect(await call(dispatcher, 'PATCH', `/riders/${rita}`, { shopIds: [partner] })).toMatchObject({ status: 400, body: { code: 'OWNER_SHOP_REQUIRED' } });

    await eventually(async () =>
      expect((await listOf(dispatcher))[0]).toMatchObject({ riderId: rita, vehicle: { kind: 'scooter', capacity: 10 }, availability: 'on_shift' }),
    );
  });

  it('keeps a rider out of another shop’s planner until that shop approves them', async () => {
    const shop = uniqueName('shop');
    const partner = uniqueName('shop');
    const stranger = uniqueName('shop');
    const rita = uniqueName('rita');
    const ron = uniqueName('ron');
    const dispatcher = as({ role: 'dispatcher', shopId: shop });
    const partnerDesk = as({ role: 'dispatcher', shopId: partner });
    const db = service.app.get(DataSource);

    const registered = await register(dispatcher, riderBody(rita, { shopIds: [partner] }));
    expect(registered).toMatchObject({ status: 201, body: { shopId: shop, shopIds: [shop], pendingShopIds: [partner] } });
    expect((await register(partnerDesk, riderBody(ron))).status).toBe(201);
    expect((await call(as({ role: 'rider', shopId: shop, sub: rita }), 'PUT', '/riders/me/availability', { availability: 'on_shift' })).status).toBe(200);
    expect((await call(as({ role: 'rider', shopId: partner, sub: ron }), 'PUT', '/riders/me/availability', { availability: 'on_shift' })).status).toBe(200);

    // The partner's planner reads the same read model: once it shows Rita on shift for her shop, it has her.
    await eventually(async () => expect(await ridersOnShift(db, shop)).toEqual([{ riderId: rita, vehicleKind: 'e-bike', capacity: 6 }]));
    await eventually(async () => expect(await ridersOnShift(db, partner)).toEqual([{ riderId: ron, vehicleKind: 'e-bike', capacity: 6 }]));
    expect((await listOf(partnerDesk)).map((r) => r.riderId)).toEqual([ron]);
    // What the partner's desk is asked to approve: the offers to it.
    expect((await listOf(partnerDesk, '?offered=true')).map((r) => r.riderId)).toEqual([rita]);
    expect(await listOf(dispatcher, '?offered=true')).toEqual([]);
    expect((await call(partnerDesk, 'PUT', `/riders/${rita}/availability`, { availability: 'off' })).status).toBe(404);

    // Only the invited shop approves, for itself.
    expect(await call(dispatcher, 'POST', `/riders/${rita}/approve`, { shopId: partner })).toMatchObject({ status: 404, body: { code: 'SHOP_NOT_FOUND' } });
    expect(await call(as({ role: 'dispatcher', shopId: stranger }), 'POST', `/riders/${rita}/approve`, {})).toMatchObject({
      status: 404,
      body: { code: 'RIDER_NOT_FOUND' },
    });
    expect((await call(as({ role: 'staff', shopId: partner }), 'POST', `/riders/${rita}/approve`, {})).status).toBe(403);
    expect(await call(partnerDesk, 'POST', `/riders/${rita}/approve`, {})).toMatchObject({
      status: 200,
      body: { shopIds: [shop, partner], pendingShopIds: [], version: 3 },
    });
    expect(await call(partnerDesk, 'POST', `/riders/${rita}/approve`, {})).toMatchObject({ status: 200, body: { shopIds: [shop, partner], version: 3 } });

    await eventually(async () => expect((await ridersOnShift(db, partner)).map((r) => r.riderId).sort()).toEqual([rita, ron].sort()));
    expect(await listOf(partnerDesk, '?offered=true')).toEqual([]);
    await eventually(() =>
      expect(eventsOf(rita).at(-1)).toMatchObject({ type: 'RiderProfileUpdated', data: { shopIds: [shop, partner], pendingShopIds: [] } }),
    );
    expect(eventsOf(rita).at(-1)!.metadata.actor).toMatchObject({ role: 'dispatcher', shopId: partner });
  });

  it('lets a rider read only themself, and answers 404 to another shop', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rita');
    expect((await register(as({ role: 'staff', shopId: shop }), riderBody(rita))).status).toBe(201);

    expect(await call(as({ role: 'rider', shopId: shop, sub: rita }), 'GET', `/riders/${rita}`)).toMatchObject({
      status: 200,
      body: { riderId: rita, version: 1 },
    });
    expect((await call(as({ role: 'operator' }), 'GET', `/riders/${rita}`)).status).toBe(200);
    const otherShop = uniqueName('shop');
    for (const token of [
      as({ role: 'rider', shopId: shop, sub: 'ron' }),
      as({ role: 'dispatcher', shopId: otherShop }),
      as({ role: 'staff', shopId: otherShop }),
    ]) {
      expect(await call(token, 'GET', `/riders/${rita}`)).toMatchObject({ status: 404, body: { code: 'RIDER_NOT_FOUND' } });
    }
    expect((await call(as({ role: 'dispatcher', shopId: otherShop }), 'PATCH', `/riders/${rita}`, { name: 'X' })).status).toBe(404);
    expect((await call(as({ role: 'dispatcher', shopId: otherShop }), 'PUT', `/riders/${rita}/availability`, { availability: 'on_shift' })).status).toBe(404);
    expect((await call(as({ role: 'rider', shopId: otherShop, sub: rita }), 'PUT', '/riders/me/availability', { availability: 'on_shift' })).status).toBe(404);
    expect((await call(as({ role: 'staff', shopId: shop }), 'GET', '/riders/nobody')).status).toBe(404);
    expect((await call(as({ role: 'dispatcher', shopId: otherShop }), 'GET', `/riders?shopId=${shop}`)).status).toBe(404);

    expect((await call(as({ role: 'florist', shopId: shop }), 'GET', `/riders/${rita}`)).status).toBe(403);
    expect((await call(as({ role: 'rider', shopId: shop, sub: rita }), 'GET', '/riders')).status).toBe(403);
    expect((await call(as({ role: 'rider', shopId: shop, sub: rita }), 'PUT', `/riders/${rita}/availability`, { availability: 'on_shift' })).status).toBe(403);
    expect((await register(as({ role: 'rider', shopId: shop, sub: rita }), riderBody(uniqueName('r')))).status).toBe(403);
  });

  it('refuses registering a rider twice (409 with the rider), replays a retried registration, and keeps another shop’s rider to itself', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rita');
    const staff = as({ role: 'staff', shopId: shop, sub: 'sam' });

    const first = await register(staff, riderBody(rita), { 'idempotency-key': 'reg-1' });
    const retried = await register(staff, riderBody(rita), { 'idempotency-key': 'reg-1' });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toEqual(first.body);

    expect(await register(staff, riderBody(rita, { name: 'Someone Else' }))).toMatchObject({
      status: 409,
      body: { code: 'RIDER_ALREADY_REGISTERED', details: { state: { riderId: rita, name: 'Rita Rider' } } },
    });
    const elsewhere = await register(as({ role: 'staff', shopId: uniqueName('shop') }), riderBody(rita));
    expect(elsewhere).toMatchObject({ status: 409, body: { code: 'RIDER_ID_TAKEN' } });
    expect(elsewhere.body.details).toBeUndefined();
    await eventually(() => expect(eventsOf(rita)).toHaveLength(1));
  });

  it('answers 400 to malformed bodies, unknown fields and reserved ids', async () => {
    const shop = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop });
    const rita = uniqueName('rita');
    for (const body of [
      riderBody(rita, { colour: 'red' }),
      riderBody(rita, { vehicle: { kind: 'horse', capacity: 2 } }),
      riderBody(rita, { vehicle: { kind: 'car', capacity: 0 } }),
      riderBody('me'),
      { name: 'No id', vehicle: { kind: 'car', capacity: 4 } },
      '{"riderId": ',
    ]) {
      expect((await register(staff, body)).status).toBe(400);
    }
    expect((await register(staff, riderBody(rita))).status).toBe(201);
    expect((await call(staff, 'PATCH', `/riders/${rita}`, {})).status).toBe(400);
    expect((await call(staff, 'PATCH', `/riders/${rita}`, { riderId: 'x' })).status).toBe(400);
    expect((await call(staff, 'PUT', `/riders/${rita}/availability`, { availability: 'asleep' })).status).toBe(400);
    expect((await call(staff, 'PUT', `/riders/${rita}/availability`, { availability: 'off', since: 'now' })).status).toBe(400);
    expect((await call(staff, 'GET', '/riders?availability=asleep')).status).toBe(400);
    expect((await register(as({ role: 'operator' }), riderBody(uniqueName('r')))).body).toMatchObject({ code: 'SHOP_REQUIRED' });
  });
});
