import { developmentTokens, type Principal } from '@petalpost/auth';
import { namespaced, type RiderPosition, TOPICS } from '@petalpost/contracts';
import { type RetentionSweep, type RunningService } from '@petalpost/platform';
import { createTestNamespace, customerTokenForgery, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from './dispatch.config';
import { dispatchService } from './dispatch.service';
import { TRAIL_RETENTION } from './positions/trail-retention';

const tokens = developmentTokens();
const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const fix = (seconds: number, overrides: Record<string, unknown> = {}) => ({
  lat: 52.09,
  lng: 5.12,
  accuracy: 8,
  recordedAt: secondsAgo(seconds),
  ...overrides,
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Riders' phones reporting positions to the real dispatch service, and who may read them back. */
describe('rider positions (real service, Postgres and Kafka)', () => {
  let service: RunningService<DispatchConfig>;
  let consumer: Consumer;
  const onTheTopic: Array<{ key: string; position: RiderPosition }> = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = async (token: string, method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const report = (token: string, positions: unknown[]) => call(token, 'POST', '/riders/me/positions', { positions });
  const positionOf = (token: string, riderId: string) => call(token, 'GET', `/riders/${riderId}/position`);
  const publishedFor = (riderId: string) => onTheTopic.filter((m) => m.key === riderId).map((m) => m.position);

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startTestService(dispatchService, { KAFKA_NAMESPACE: namespace });
    consumer = new Kafka({ clientId: 'positions-reader', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({
      groupId: uniqueName('positions-reader'),
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [namespaced(TOPICS.riderLocations.name, namespace)], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void onTheTopic.push({ key: String(message.key), position: JSON.parse(String(message.value)) as RiderPosition }),
    });
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await service?.app.close();
  });

  it('keeps a rider’s positions, publishes each keyed by rider, and shows the latest to their shop', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const [older, newer] = [fix(20, { speed: 4.2, heading: 90 }), fix(10)];

    expect(await report(as({ role: 'rider', shopId: shop, sub: rita }), [older, newer])).toEqual({ status: 202, body: { accepted: 2, dropped: [] } });

    await eventually(() =>
      expect(publishedFor(rita)).toEqual([
        { riderId: rita, shopId: shop, ...older },
        { riderId: rita, shopId: shop, ...newer },
      ]),
    );
    const latest = await positionOf(as({ role: 'dispatcher', shopId: shop }), rita);
    expect(latest).toEqual({ status: 200, body: { riderId: rita, shopId: shop, ...newer, receivedAt: expect.any(String) } });
    expect(await positionOf(as({ role: 'staff', shopId: shop }), rita)).toEqual(latest);
    expect(await positionOf(as({ role: 'rider', shopId: shop, sub: rita }), rita)).toEqual(latest);

    const trail = await call(as({ role: 'staff', shopId: shop }), 'GET', `/riders/${rita}/trail`);
    expect(trail.body.items).toEqual([expect.objectContaining(older), expect.objectContaining(newer)]);
    const since = await call(as({ role: 'dispatcher', shopId: shop }), 'GET', `/riders/${rita}/trail?since=${encodeURIComponent(older.recordedAt)}`);
    expect(since.body.items).toEqual([expect.objectContaining(newer)]);
  });

  it('answers 404 to another shop, another rider and an unknown rider', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    expect((await report(as({ role: 'rider', shopId: shop, sub: rita }), [fix(5)])).status).toBe(202);

    const otherShop = uniqueName('shop');
    for (const token of [
      as({ role: 'staff', shopId: otherShop }),
      as({ role: 'dispatcher', shopId: otherShop }),
      as({ role: 'rider', shopId: shop, sub: 'ron' }),
    ]) {
      expect(await positionOf(token, rita)).toMatchObject({ status: 404, body: { code: 'RIDER_NOT_FOUND' } });
      expect((await call(token, 'GET', `/riders/${rita}/trail`)).status).toBe(404);
    }
    expect((await positionOf(as({ role: 'staff', shopId: shop }), 'nobody')).status).toBe(404);
    expect((await positionOf(as({ role: 'florist', shopId: shop }), rita)).status).toBe(403);
    // Naming a shop is the operators' business: anyone else naming another shop finds nothing there.
    expect((await call(as({ role: 'staff', shopId: otherShop }), 'GET', `/riders/${rita}/position?shopId=${shop}`)).status).toBe(404);
  });

  it('shows operators any shop’s rider, the shop named', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    expect((await report(as({ role: 'rider', shopId: shop, sub: rita }), [fix(5)])).status).toBe(202);
    const operator = as({ role: 'operator' });

    expect(await call(operator, 'GET', `/riders/${rita}/position?shopId=${shop}`)).toMatchObject({ status: 200, body: { riderId: rita, shopId: shop } });
    expect(await call(operator, 'GET', `/riders/${rita}/trail?shopId=${shop}`)).toMatchObject({ status: 200, body: { items: [{ riderId: rita }] } });
    expect(await positionOf(operator, rita)).toMatchObject({ status: 400, body: { code: 'SHOP_REQUIRED' } });
    expect((await call(operator, 'GET', `/riders/${rita}/position?shopId=${uniqueName('shop')}`)).status).toBe(404);
  });

  it('drops a position older than the rider’s latest, and the latest stays', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const token = as({ role: 'rider', shopId: shop, sub: rita });
    const latest = fix(5);
    expect((await report(token, [latest])).body).toEqual({ accepted: 1, dropped: [] });

    expect(await report(token, [fix(30), latest])).toEqual({
      status: 202,
      body: {
        accepted: 0,
        dropped: [
          { index: 0, reason: 'out_of_order' },
          { index: 1, reason: 'out_of_order' },
        ],
      },
    });
    expect((await positionOf(token, rita)).body).toMatchObject(latest);
    expect((await call(token, 'GET', `/riders/${rita}/trail`)).body.items).toEqual([expect.objectContaining(latest)]);
    await eventually(() => expect(publishedFor(rita)).toHaveLength(1));
  });

  it('keeps the newest when one rider’s requests race', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const token = as({ role: 'rider', shopId: shop, sub: rita });
    // Eight two-fix batches, newest first, all in flight at once.
    const newestFirst = Array.from({ length: 8 }, (_, i) => [fix(46 + i * 2), fix(45 + i * 2)]);
    const answers = await Promise.all(newestFirst.map((batch) => report(token, batch)));

    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect((await positionOf(token, rita)).body).toMatchObject({ recordedAt: newestFirst[0][1].recordedAt });
    const trail = (await call(token, 'GET', `/riders/${rita}/trail`)).body.items as RiderPosition[];
    const times = trail.map((p) => p.recordedAt);
    expect(times).toEqual([...times].sort());
    expect(trail).toHaveLength(answers.reduce((n, a) => n + (a.body.accepted as number), 0));
  });

  it('keeps a batch sent twice once: the second answer drops every report as a duplicate, nothing more is published', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const token = as({ role: 'rider', shopId: shop, sub: rita });
    const batch = [fix(12), fix(11), fix(10)].map((p) => ({ id: randomUUID(), ...p }));

    expect(await report(token, batch)).toEqual({ status: 202, body: { accepted: 3, dropped: [] } });
    // The phone lost the 202 and sends the batch again, with one report twice over.
    expect(await report(token, [...batch, batch[0]])).toEqual({
      status: 202,
      body: { accepted: 0, dropped: [0, 1, 2, 3].map((index) => ({ index, reason: 'duplicate' })) },
    });

    const rows = await service.app
      .get(DataSource)
      .query<Array<{ id: string }>>(`SELECT position_id::text AS id FROM rider_position_trail WHERE rider_id = $1 ORDER BY recorded_at`, [rita]);
    expect(rows.map((r) => r.id)).toEqual(batch.map((p) => p.id));
    await eventually(() => expect(publishedFor(rita)).toHaveLength(3));
    // A later report of the same phone is still kept; a position without an id (an older caller) too.
    const later = [{ id: randomUUID(), ...fix(5) }, fix(4)];
    expect((await report(token, [batch[2], ...later])).body).toEqual({ accepted: 2, dropped: [{ index: 0, reason: 'duplicate' }] });
    await eventually(() => expect(publishedFor(rita).map((p) => p.recordedAt)).toEqual([...batch, ...later].map((p) => p.recordedAt)));
  });

  it('drops implausible positions with their reasons and keeps the rest', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const token = as({ role: 'rider', shopId: shop, sub: rita });
    const good = fix(3);
    const answer = await report(token, [fix(4, { accuracy: 250 }), fix(-600), fix(3600), fix(2, { lat: 95 }), good, fix(1, { lng: -181 })]);
    expect(answer).toEqual({
      status: 202,
      body: {
        accepted: 1,
        dropped: [
          { index: 0, reason: 'inaccurate' },
          { index: 1, reason: 'from_the_future' },
          { index: 2, reason: 'too_old' },
          { index: 3, reason: 'out_of_bounds' },
          { index: 5, reason: 'out_of_bounds' },
        ],
      },
    });
    expect((await positionOf(token, rita)).body).toMatchObject(good);

    const nothingValid = await report(as({ role: 'rider', shopId: shop, sub: uniqueName('rider') }), [fix(2, { accuracy: 101 })]);
    expect(nothingValid).toEqual({ status: 202, body: { accepted: 0, dropped: [{ index: 0, reason: 'inaccurate' }] } });
  });

  it('refuses a malformed request with 400, anyone but a rider with 403 and a customer token with 401', async () => {
    const shop = uniqueName('shop');
    const rider = as({ role: 'rider', shopId: shop, sub: uniqueName('rider') });
    for (const body of [
      { positions: [] },
      { positions: [{ ...fix(1), id: 'not-a-uuid' }] },
      { positions: Array.from({ length: 51 }, () => fix(1)) },
      { positions: [{ ...fix(1), altitude: 3 }] },
      { positions: [fix(1)], batch: 1 },
      { positions: [{ lat: 52, lng: 5, recordedAt: secondsAgo(1) }] },
    ]) {
      expect(await call(rider, 'POST', '/riders/me/positions', body)).toMatchObject({
        status: 400,
        body: { code: expect.any(String), correlationId: expect.any(String) },
      });
    }
    expect((await call(rider, 'POST', '/riders/me/positions', '{"positions": [')).status).toBe(400);

    for (const token of [as({ role: 'florist', shopId: shop }), as({ role: 'staff', shopId: shop }), as({ role: 'dispatcher', shopId: shop })]) {
      expect(await report(token, [fix(1)])).toMatchObject({ status: 403, body: { code: 'ROLE_NOT_ALLOWED' } });
    }

    // What a tracking link used to carry: no longer a token at all, and it stores nothing.
    const buyer = uniqueName('buyer');
    expect(await report(customerTokenForgery('order-1', buyer), [fix(1)])).toMatchObject({ status: 401, body: { code: 'TOKEN_INVALID' } });
    const stored = await service.app.get(DataSource).query(`SELECT 1 FROM rider_position_trail WHERE rider_id = $1`, [buyer]);
    expect(stored).toEqual([]);
  });

  it('sweeps trail positions past retention and keeps the latest', async () => {
    const shop = uniqueName('shop');
    const rita = uniqueName('rider');
    const token = as({ role: 'rider', shopId: shop, sub: rita });
    expect((await report(token, [fix(20), fix(10)])).body).toMatchObject({ accepted: 2 });
    const db = service.app.get(DataSource);
    await db.query(
      `UPDATE rider_position_trail SET received_at = now() - interval '25 hours' WHERE rider_id = $1 AND recorded_at < now() - interval '15 seconds'`,
      [rita],
    );

    expect(await service.app.get<RetentionSweep>(TRAIL_RETENTION).sweep()).toBeGreaterThanOrEqual(1);
    expect((await call(token, 'GET', `/riders/${rita}/trail`)).body.items).toHaveLength(1);
    expect((await positionOf(token, rita)).status).toBe(200);
  });
});
