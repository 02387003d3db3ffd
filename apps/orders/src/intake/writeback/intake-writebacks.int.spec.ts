import { randomUUID } from 'node:crypto';
import { createTestDatabase, eventually, type TestDatabase } from '@petalpost/testing';
import type { WritebackFacts } from './domain/writeback-plan';
import { IntakeWritebacks1770000000900, IntakeWritebackStatuses1770000001100 } from './intake-writebacks.migration';
import { IntakeWritebacksStore } from './intake-writebacks.store';

/**
 * The write-back queue against real PostgreSQL: once per (order, event), one order's statuses in
 * the order they happened, replicas claiming disjoint rows, a lease that brings back what a dead
 * worker held, and dead rows that only a retry wakes.
 */
describe('intake write-backs (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: IntakeWritebacksStore;
  const shopId = 'shop-1';
  const connectionId = randomUUID();
  const facts = (status: WritebackFacts['status']): WritebackFacts => ({ status, happenedAt: '2026-12-07T10:00:00.000Z' });

  beforeAll(async () => {
    db = await createTestDatabase({ migrations: [IntakeWritebacks1770000000900, IntakeWritebackStatuses1770000001100], prefix: 'writeback' });
    store = new IntakeWritebacksStore(db.dataSource);
  });
  afterAll(() => db.drop());
  // Each test claims only what it queued: nothing is left due for the next.
  afterEach(() => db.dataSource.query(`UPDATE intake_writebacks SET state = 'done' WHERE state = 'pending'`));

  const queue = (orderId: string, status: WritebackFacts['status'], eventId = randomUUID()) =>
    store.queue(db.dataSource.manager, { shopId, connectionId, platform: 'shopify', orderId, eventId, externalRef: '1001', facts: facts(status) });

  it('queues an order event once, however often it is delivered', async () => {
    const orderId = randomUUID();
    const eventId = randomUUID();
    expect(await queue(orderId, 'delivered', eventId)).toBe(true);
    expect(await queue(orderId, 'delivered', eventId)).toBe(false);
    const [{ n }] = await db.dataSource.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM intake_writebacks WHERE order_id = $1`, [orderId]);
    expect(n).toBe('1');
  });

  it("queues a Chinese platform's statuses beyond the road, a rider's position among them", async () => {
    const orderId = randomUUID();
    const position = { lat: 39.914266, lng: 116.403988 };
    for (const [status, more] of [
      ['confirmed', {}],
      ['rider_assigned', { riderId: 'rider-7' }],
      ['location', { riderId: 'rider-7', position }],
    ] as const) {
      await store.queue(db.dataSource.manager, {
        shopId,
        connectionId,
        platform: 'meituan',
        orderId,
        eventId: randomUUID(),
        externalRef: '27061900338318741',
        facts: { ...facts(status), ...more },
      });
    }
    const claimed = await store.claimDue(10, 60_000);
    expect(claimed.map((c) => [c.platform, c.facts])).toEqual([['meituan', facts('confirmed')]]);
    await store.recordDone(claimed[0].writebackId, undefined);
    expect((await store.claimDue(10, 60_000)).map((c) => c.facts)).toEqual([{ ...facts('rider_assigned'), riderId: 'rider-7' }]);
  });

  it("holds an order's later status back while an earlier one still waits, and lets other orders pass", async () => {
    const slow = randomUUID();
    const other = randomUUID();
    await queue(slow, 'out_for_delivery');
    await queue(slow, 'delivered');
    await queue(other, 'carded');

    const first = await store.claimDue(10, 60_000);
    expect(first.map((c) => [c.orderId, c.facts.status])).toEqual([
      [slow, 'out_for_delivery'],
      [other, 'carded'],
    ]);
    // The first attempt failed and waits for its retry: "delivered" must not overtake it.
    const [outForDelivery] = first;
    await store.recordFailure(outForDelivery.writebackId, 'HTTP 503', { dead: false, nextAttemptAt: new Date(Date.now() - 1) });
    await store.recordDone(first[1].writebackId, undefined);
    const second = await store.claimDue(10, 60_000);
    expect(second.map((c) => [c.facts.status, c.attempt])).toEqual([['out_for_delivery', 2]]);
    await store.recordDone(outForDelivery.writebackId, 'gid://shopify/Fulfillment/1');
    expect((await store.claimDue(10, 60_000)).map((c) => c.facts.status)).toEqual(['delivered']);
  });

  it('lets replicas claim side by side without taking the same write-back twice', async () => {
    for (let i = 0; i < 6; i++) await queue(randomUUID(), 'delivered');
    const claims = await Promise.all([store.claimDue(3, 60_000), store.claimDue(3, 60_000), store.claimDue(3, 60_000)]);
    const ids = claims.flat().map((c) => c.writebackId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
  });

  it('brings a write-back back once the lease of a worker that died runs out', async () => {
    const orderId = randomUUID();
    await queue(orderId, 'carded');
    const [taken] = await store.claimDue(10, 50);
    expect(await store.claimDue(10, 50)).toEqual([]);
    const again = await eventually(async () => {
      const claims = await store.claimDue(10, 60_000);
      expect(claims).toHaveLength(1);
      return claims;
    });
    expect(again.map((c) => [c.writebackId, c.attempt])).toEqual([[taken.writebackId, 2]]);
  });

  it('keeps a dead write-back out of the claims until it is retried, and retries only a dead one', async () => {
    const orderId = randomUUID();
    await queue(orderId, 'failed');
    const [taken] = await store.claimDue(10, 60_000);
    await store.recordFailure(taken.writebackId, 'HTTP 401', { dead: true });
    expect(await store.list(shopId, 'dead', 500)).toEqual(
      expect.arrayContaining([expect.objectContaining({ writebackId: taken.writebackId, state: 'dead', lastError: 'HTTP 401' })]),
    );
    expect(await store.claimDue(10, 60_000)).toEqual([]);

    expect(await store.retryDead(taken.writebackId, (shop) => shop === 'another-shop')).toBeUndefined();
    const retried = await store.retryDead(taken.writebackId, (shop) => shop === shopId);
    expect(retried).toMatchObject({ retried: { state: 'pending', attempts: 0 } });
    expect(await store.retryDead(taken.writebackId, () => true)).toMatchObject({ refused: { state: 'pending' } });
    expect((await store.claimDue(10, 60_000)).map((c) => [c.writebackId, c.attempt])).toEqual([[taken.writebackId, 1]]);
  });
});
