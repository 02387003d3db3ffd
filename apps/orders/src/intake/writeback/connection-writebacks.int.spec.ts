import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import type { WritebackFacts } from './domain/writeback-plan';
import { IntakeWritebacksByConnection1770000001510 } from './intake-writebacks-by-connection.migration';
import { IntakeWritebacks1770000000900, IntakeWritebackStatuses1770000001100 } from './intake-writebacks.migration';
import { IntakeWritebacksStore } from './intake-writebacks.store';

/** A connection's latest write-backs for the shop's systems page, against real PostgreSQL. */
describe("a connection's latest write-backs (real PostgreSQL)", () => {
  let db: TestDatabase;
  let store: IntakeWritebacksStore;
  const shopId = 'shop-latest';
  const meituan = randomUUID();
  const youzan = randomUUID();
  const orderOf = { [meituan]: randomUUID(), [youzan]: randomUUID() };
  const facts = (status: WritebackFacts['status']): WritebackFacts => ({ status, happenedAt: '2026-12-07T10:00:00.000Z' });
  const queue = (connectionId: string, status: WritebackFacts['status'], more: Partial<WritebackFacts> = {}) =>
    store.queue(db.dataSource.manager, {
      shopId,
      connectionId,
      platform: connectionId === meituan ? 'meituan' : 'youzan',
      orderId: orderOf[connectionId],
      eventId: randomUUID(),
      externalRef: '27061900338318741',
      facts: { ...facts(status), ...more },
    });

  beforeAll(async () => {
    db = await createTestDatabase({
      migrations: [IntakeWritebacks1770000000900, IntakeWritebackStatuses1770000001100, IntakeWritebacksByConnection1770000001510],
      prefix: 'latest_writebacks',
    });
    store = new IntakeWritebacksStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('lists what the platform was last told, newest first, each with what became of it', async () => {
    await queue(meituan, 'confirmed');
    await queue(youzan, 'confirmed');
    await queue(meituan, 'rider_assigned', { riderId: 'rider-7' });
    await queue(meituan, 'location', { riderId: 'rider-7', position: { lat: 39.914266, lng: 116.403988 } });
    // One order's write-backs go one at a time: confirmed is written, then rider_assigned refused for good.
    const [confirmed] = (await store.claimDue(10, 60_000)).filter((c) => c.connectionId === meituan);
    await store.recordDone(confirmed.writebackId, undefined);
    const [assigned] = (await store.claimDue(10, 60_000)).filter((c) => c.connectionId === meituan);
    await store.recordFailure(assigned.writebackId, 'HTTP 200 {"data":"ng","error":{"code":808}}', { dead: true });

    const latest = await store.latestOf(shopId, meituan, 20);
    expect(latest.map((w) => [w.status, w.state, w.lastError])).toEqual([
      ['location', 'pending', null],
      ['rider_assigned', 'dead', 'HTTP 200 {"data":"ng","error":{"code":808}}'],
      ['confirmed', 'done', null],
    ]);
    expect(await store.latestOf(shopId, meituan, 2)).toHaveLength(2);
  });

  it("gives none of another shop's, even for its connection id", async () => {
    expect(await store.latestOf('another-shop', meituan, 20)).toEqual([]);
  });
});
