import { randomUUID } from 'node:crypto';
import { DomainError, type EventMetadata } from '@petalpost/contracts';
import { createTestDatabase, eventually, type TestDatabase } from '@petalpost/testing';
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
    const first = await store.append(stream, 'counter', 0, [event(1)], metadata);
    await new Promise((r) => setTimeout(r, 20));
    await store.append(stream, 'counter', 1, [event(2)], metadata);
    // The database's own clock, to the microsecond: a JavaScript Date would round it.
    const [{ recorded }] = await db.dataSource.query(`SELECT recorded_at::text AS recorded FROM events WHERE event_id = $1`, [first.events[0].eventId]);
    expect((await store.readStream(stream, { asOf: recorded })).map((e) => e.streamVersion)).toEqual([1]);
  });

  // Readers wait behind every open transaction in the cluster (other test files' too), so these
  // tests assert what a reader sees eventually, and in which order — never that it is quick.
  const dataOf = async (streams: string[]) => (await store.readAll(START_OF_LOG, 100_000)).filter((e) => streams.includes(e.streamId)).map((e) => e.data);

  it('reads the whole log in commit order where transaction ids gain a digit (9 → 10)', async () => {
    // Regression: ORDER BY transaction_id named the text cast in the SELECT list, so '10' sorted before '9'.
    for (const tx of ['9', '10', '99', '100']) {
      await db.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, 'counter', 1)`, [`s-${tx}`]);
      await db.dataSource.query(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, transaction_id) VALUES ($1, 1, gen_random_uuid(), 'Counted', '{}', '{}', $2::xid8)`,
        [`s-${tx}`, tx],
      );
    }
    const read = await store.readAll({ transactionId: '0', globalPosition: 0 }, 3);
    expect(read.map((e) => e.transactionId)).toEqual(['9', '10', '99']);
  });

  it('never lets a reader of the whole log skip an event whose transaction commits late', async () => {
    const lateStream = `late-${randomUUID()}`;
    const earlyStream = `early-${randomUUID()}`;
    const late = db.dataSource.createQueryRunner();
    await late.connect();
    try {
      // The late writer takes its transaction id and position first...
      await late.startTransaction();
      await store.append(lateStream, 'counter', 0, [event(1)], metadata, {}, late.manager);
      // ...while a later writer commits at once.
      await store.append(earlyStream, 'counter', 0, [event(2)], metadata);
      // A reader sees neither yet: the committed event waits behind the open transaction.
      expect(await dataOf([lateStream, earlyStream])).toEqual([]);
      await late.commitTransaction();
    } finally {
      await late.release();
    }
    // Both arrive, in commit order by transaction: the late one first, nothing skipped.
    await eventually(async () => expect(await dataOf([lateStream, earlyStream])).toEqual([{ n: 1 }, { n: 2 }]), 30_000);
  });

  it('lets a rolled-back append leave a hole that stalls no reader', async () => {
    const abortedStream = `aborted-${randomUUID()}`;
    const afterStream = `after-${randomUUID()}`;
    const aborted = db.dataSource.createQueryRunner();
    await aborted.connect();
    await aborted.startTransaction();
    await store.append(abortedStream, 'counter', 0, [event(1)], metadata, {}, aborted.manager);
    await aborted.rollbackTransaction();
    await aborted.release();
    await store.append(afterStream, 'counter', 0, [event(2)], metadata);
    await eventually(async () => expect(await dataOf([abortedStream, afterStream])).toEqual([{ n: 2 }]), 30_000);
  });

  it('maps a stale expected version to a conflict error the API turns into 409', async () => {
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 'counter', 0, [event(1)], metadata);
    const error = await store.append(stream, 'counter', 0, [event(2)], metadata).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('conflict');
  });
});
