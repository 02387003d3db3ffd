import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@petalpost/contracts';
import { createTestDatabase, eventually, sampleInOrder, type TestDatabase } from '@petalpost/testing';
import pino from 'pino';
import { loadCheckpoint } from './checkpoints';
import { EventStore } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';
import {
  appendContinuously,
  COUNTER_TABLES,
  counterMetadata,
  counterProjection,
  counterRows,
  expectExactlyOnce,
  projectFromZero,
} from './projection-counters.fixture';
import { ProjectionHost, type ProjectionHostOptions } from './projection-host';
import { compareLogPositions } from './checkpoints';

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** While the rebuild writes its shadow tables, each batch takes a little longer, so the rebuild overlaps live traffic. */
const slowInShadow = (ms: number) =>
  counterProjection({
    async afterWrite(_events, _db, tables) {
      if (tables.stream_counters !== 'stream_counters') await sleep(ms);
    },
  });

describe('projection rebuild while live (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const hosts: ProjectionHost[] = [];

  beforeEach(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'rebuild' });
    await db.dataSource.query(COUNTER_TABLES);
    store = new EventStore(db.dataSource);
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
    await db.drop();
  });

  const hostFor = (projection = counterProjection(), options: Partial<ProjectionHostOptions> = {}) => {
    const host = new ProjectionHost(db.dataSource, store, [projection], {
      logger: pino({ level: 'silent' }),
      batchSize: 100,
      idleDelayMs: 20,
      retryDelayMs: 50,
      ...options,
    });
    hosts.push(host);
    host.start();
    return host;
  };
  const seed = (streams: number, eventsPerStream: number) =>
    Promise.all(
      Array.from({ length: streams }, () =>
        store.append(
          `s-${randomUUID()}`,
          'counter',
          0,
          Array.from({ length: eventsPerStream }, (_, i) => ({ type: 'Counted', data: { n: i + 1 } })),
          counterMetadata,
        ),
      ),
    );
  const eventCount = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
  const caughtUp = (host: ProjectionHost) =>
    eventually(async () => {
      const total = await eventCount();
      expect(Number((await db.dataSource.query(`SELECT count(*) AS n FROM applied_events`))[0].n)).toBe(total);
      const [status] = host.statuses();
      expect(status.checkpoint).toEqual(await loadCheckpoint(db.dataSource.manager, 'counters'));
    }, 10_000);
  const tableOid = async (table: string) => (await db.dataSource.query(`SELECT to_regclass($1)::oid AS oid`, [table]))[0].oid as string | null;
  const indexNames = async () =>
    (
      await db.dataSource.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('stream_counters', 'applied_events') ORDER BY 1`,
      )
    ).map((r: { indexname: string }) => r.indexname);

  it('rebuilds from zero while appends flow and queries run, then swaps in a model equal to the log', async () => {
    await seed(40, 25);
    const { logger, lines } = capturingLogger();
    const host = hostFor(slowInShadow(5), { logger, rebuild: { batchSize: 50, progressIntervalMs: 100 } });
    await caughtUp(host);
    const liveOid = await tableOid('stream_counters');
    const indexesBefore = await indexNames();

    // Live traffic for the whole rebuild: appends, the live runner, readers, a checkpoint sampler.
    const writers = appendContinuously(store, 4);
    let reading = true;
    const sums: number[] = [];
    const readErrors: unknown[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          const [row] = await db.dataSource.query(`SELECT coalesce(sum(events), 0)::int AS events FROM stream_counters`);
          sums.push(row.events);
        } catch (err) {
          readErrors.push(err);
        }
        await sleep(3);
      }
    })();
    const sampler = sampleInOrder(() => loadCheckpoint(db.dataSource.manager, 'counters'));

    const started = await host.rebuild('counters');
    expect(started).toMatchObject({ projection: 'counters', state: 'running', id: expect.any(String) });
    expect(host.statuses()[0].rebuild).toMatchObject({ id: started.id, state: expect.stringMatching(/running|swapping/) });
    const finished = await host.rebuildOf('counters')!.done();
    const appendedDuring = await writers.stop();
    reading = false;
    await reader;
    const checkpoints = await sampler.stop();

    expect(finished).toMatchObject({ id: started.id, state: 'done', lag: 0, finishedAt: expect.any(String) });
    expect(finished.eventsDone).toBeGreaterThanOrEqual(1000);
    expect(appendedDuring).toBeGreaterThan(0);
    // The rebuilt tables replaced the live ones, under the live names and index names, and nothing is left behind.
    expect(await tableOid('stream_counters')).not.toBe(liveOid);
    expect(await indexNames()).toEqual(indexesBefore);
    expect(await tableOid('stream_counters__rebuild')).toBeNull();
    expect(await tableOid('stream_counters__old')).toBeNull();
    expect(await db.dataSource.query(`SELECT processor_id FROM checkpoints WHERE processor_id = 'counters:rebuild'`)).toEqual([]);

    // Queries never failed and never went back in time, not even across the swap.
    expect(readErrors).toEqual([]);
    expect(sums.length).toBeGreaterThan(20);
    for (let i = 1; i < sums.length; i++) expect(sums[i]).toBeGreaterThanOrEqual(sums[i - 1]);
    for (let i = 1; i < checkpoints.length; i++) expect(compareLogPositions(checkpoints[i - 1], checkpoints[i])).toBeLessThanOrEqual(0);

    // Progress was logged every interval: events done, rate, head, ETA.
    const progress = lines.filter((l) => l.msg === 'projection rebuild progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[0]).toMatchObject({
      projection: 'counters',
      rebuildId: started.id,
      eventsDone: expect.any(Number),
      eventsPerSecond: expect.any(Number),
      head: expect.any(Number),
      lag: expect.any(Number),
    });
    expect(lines.some((l) => l.msg === 'projection rebuild swapped in')).toBe(true);

    // The live runner carries on from the rebuild's position: nothing lost, nothing doubled.
    await seed(3, 2);
    await caughtUp(host);
    await expectExactlyOnce(db.dataSource);
    const fromZero = await projectFromZero(db.dataSource, store, counterProjection(), logger);
    expect(await counterRows(db.dataSource)).toEqual(await counterRows(db.dataSource, fromZero));
  });

  it('runs one rebuild of a projection at a time across instances, and swaps once readers let go of the live table', async () => {
    await seed(20, 10);
    const options = { rebuild: { batchSize: 50, swapLockTimeoutMs: 100 } };
    const a = hostFor(counterProjection(), options);
    const b = hostFor(counterProjection(), options);
    await caughtUp(a);

    // A reader that keeps the live table open holds the swap back (for as long as it reads).
    const reader = db.dataSource.createQueryRunner();
    await reader.connect();
    await reader.startTransaction();
    await reader.query(`SELECT count(*) FROM stream_counters`);
    try {
      const started = await a.rebuild('counters');
      await expect(a.rebuild('counters')).rejects.toMatchObject({ code: 'REBUILD_IN_PROGRESS', kind: 'conflict' });
      // The other instance is refused too: the rebuild lock is in the database.
      await expect(b.rebuild('counters')).rejects.toMatchObject({ code: 'REBUILD_IN_PROGRESS' });
      await expect(a.rebuild('nope')).rejects.toEqual(expect.any(DomainError));
      await expect(a.rebuild('nope')).rejects.toMatchObject({ code: 'PROJECTION_NOT_FOUND', kind: 'not_found' });
      await seed(5, 2);
      await sleep(400);
      expect(a.rebuildOf('counters')!.snapshot()).toMatchObject({ id: started.id, state: expect.stringMatching(/running|swapping/) });
      // Meanwhile both live runners keep up: the swap pauses them only while it tries.
      await caughtUp(a);
    } finally {
      await reader.commitTransaction();
      await reader.release();
    }
    expect(await a.rebuildOf('counters')!.done()).toMatchObject({ state: 'done' });

    // Once it is over, a new rebuild may start — from the other instance too.
    await b.rebuild('counters');
    expect(await b.rebuildOf('counters')!.done()).toMatchObject({ state: 'done' });
    await caughtUp(a);
    await expectExactlyOnce(db.dataSource);
  });

  it('leaves the live projection untouched when a rebuild fails, and drops what it built', async () => {
    await seed(10, 10);
    const failing = counterProjection({
      async afterWrite(_events, _db, tables) {
        if (tables.stream_counters !== 'stream_counters') throw new Error('bug in the new version');
      },
    });
    const host = hostFor(failing, { rebuild: { maxFailures: 2, retryDelayMs: 10 } });
    await caughtUp(host);
    const liveOid = await tableOid('stream_counters');
    await host.rebuild('counters');
    const finished = await host.rebuildOf('counters')!.done();
    expect(finished).toMatchObject({ state: 'failed', error: 'bug in the new version' });
    expect(await tableOid('stream_counters')).toBe(liveOid);
    expect(await tableOid('stream_counters__rebuild')).toBeNull();
    expect(await db.dataSource.query(`SELECT processor_id FROM checkpoints WHERE processor_id = 'counters:rebuild'`)).toEqual([]);
    await seed(2, 3);
    await caughtUp(host);
    await expectExactlyOnce(db.dataSource);
  });

  it('cancels a rebuild in progress when the service stops, dropping its tables', async () => {
    await seed(20, 20);
    const host = hostFor(slowInShadow(50), { rebuild: { batchSize: 20 } });
    await caughtUp(host);
    await host.rebuild('counters');
    await eventually(() => expect(host.rebuildOf('counters')!.snapshot().eventsDone).toBeGreaterThan(0));
    await host.stop();
    expect(host.rebuildOf('counters')!.snapshot()).toMatchObject({ state: 'failed', error: 'cancelled' });
    expect(await tableOid('stream_counters__rebuild')).toBeNull();
    await expectExactlyOnce(db.dataSource);
  });
});
