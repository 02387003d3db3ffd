import { randomUUID } from 'node:crypto';
import { DomainError, type EventMetadata } from '@petalpost/contracts';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { EventStore, StreamVersionConflict } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';
import { START_OF_LOG } from './stored-event';

const metadata: EventMetadata = { correlationId: 'c-1', occurredAt: '2026-02-14T10:00:00.000Z', actor: { role: 'staff', subject: 'alice', shopId: 's1' } };
const event = (n: number) => ({ type: 'Counted', data: { n } });

describe('event store (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'es' });
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('appends to a new stream and reads it back in version order with its metadata', async () => {
    const stream = `s-${randomUUID()}`;
    const result = await store.append(stream, 'counter', 0, [event(1), event(2)], metadata);
    expect(result.version).toBe(2);
    const events = await store.readStream(stream);
    expect(events.map((e) => [e.streamVersion, e.type, e.data])).toEqual([
      [1, 'Counted', { n: 1 }],
      [2, 'Counted', { n: 2 }],
    ]);
    expect(events[0].metadata).toEqual(metadata);
  });

  it('refuses an append whose expected version is stale, and appends nothing', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(1)], metadata);
    await expect(store.append(stream, 'counter', 0, [event(2)], metadata)).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(store.append(stream, 'counter', 5, [event(2)], metadata)).rejects.toBeInstanceOf(StreamVersionConflict);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('refuses an expected version on a stream that does not exist', async () => {
    await expect(store.append(`s-${randomUUID()}`, 'counter', 3, [event(1)], metadata)).rejects.toBeInstanceOf(StreamVersionConflict);
  });

  it('lets exactly one of 50 concurrent writers with the same expected version win', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(0)], metadata);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => store.append(stream, 'counter', 1, [event(i + 1)], metadata)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((o) => (o as PromiseRejectedResult).reason instanceof StreamVersionConflict)).toBe(true);
    const versions = (await store.readStream(stream)).map((e) => e.streamVersion);
    expect(versions).toEqual([1, 2]);
  });

  it('makes the database itself refuse to update, delete or truncate events', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(1)], metadata);
    await expect(db.dataSource.query(`UPDATE events SET data = '{}' WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`DELETE FROM events WHERE stream_id = $1`, [stream])).rejects.toThrow(/append-only/);
    await expect(db.dataSource.query(`TRUNCATE events`)).rejects.toThrow(/append-only/);
    expect(await store.readStream(stream)).toHaveLength(1);
  });

  it('reads a stream as it was at a past time', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(1)], metadata);
    const between = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await store.append(stream, 'counter', 1, [event(2)], metadata);
    expect((await store.readStream(stream, { asOf: between })).map((e) => e.streamVersion)).toEqual([1]);
  });

  it('never lets a reader of the whole log skip an event whose transaction commits late', async () => {
    const late = db.dataSource.createQueryRunner();
    await late.connect();
    const before = await store.readAll(START_OF_LOG, 10_000);
    const from = before.length ? { transactionId: before.at(-1)!.transactionId, globalPosition: before.at(-1)!.globalPosition } : START_OF_LOG;
    try {
      // The late writer takes its transaction id and position first...
      await late.startTransaction();
      await store.append(`late-${randomUUID()}`, 'counter', 0, [event(1)], metadata, {}, late.manager);
      // ...while a later writer commits at once.
      const early = await store.append(`early-${randomUUID()}`, 'counter', 0, [event(2)], metadata);
      expect(early.events[0].globalPosition).toBeGreaterThan(from.globalPosition);
      // A reader sees nothing yet: the early event waits behind the open transaction.
      expect(await store.readAll(from, 100)).toEqual([]);
      await late.commitTransaction();
    } finally {
      await late.release();
    }
    const after = await store.readAll(from, 100);
    expect(after.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('lets a rolled-back append leave a hole that stalls no reader', async () => {
    const before = await store.readAll(START_OF_LOG, 10_000);
    const from = { transactionId: before.at(-1)!.transactionId, globalPosition: before.at(-1)!.globalPosition };
    const aborted = db.dataSource.createQueryRunner();
    await aborted.connect();
    await aborted.startTransaction();
    await store.append(`aborted-${randomUUID()}`, 'counter', 0, [event(1)], metadata, {}, aborted.manager);
    await aborted.rollbackTransaction();
    await aborted.release();
    await store.append(`after-${randomUUID()}`, 'counter', 0, [event(2)], metadata);
    expect((await store.readAll(from, 100)).map((e) => e.data)).toEqual([{ n: 2 }]);
  });

  it('maps a stale expected version to a conflict error the API turns into 409', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(1)], metadata);
    const error = await store.append(stream, 'counter', 0, [event(2)], metadata).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('conflict');
  });
});
