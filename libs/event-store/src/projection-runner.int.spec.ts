import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@petalpost/platform';
import { createTestDatabase, eventually, sampleInOrder, type TestDatabase } from '@petalpost/testing';
import { loadCheckpoint, START_OF_LOG } from './checkpoints';
import { EventStore } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';
import {
  appendContinuously,
  appendToNewStreams,
  COUNTER_TABLES,
  counterMetadata,
  counterProjection,
  counterRows,
  expectExactlyOnce,
  projectFromZero,
} from './projection-counters.fixture';
import { compareLogPositions } from './checkpoints';
import { ProjectionRunner, type ProjectionRunnerOptions } from './projection-runner';
import type { Projection } from './projection';
import type { LogPosition } from './stored-event';

const logger = createLogger('projection-test', 'silent');

describe('projection runner (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const runners: ProjectionRunner[] = [];

  beforeEach(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'proj' });
    await db.dataSource.query(COUNTER_TABLES);
    store = new EventStore(db.dataSource);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await db.drop();
  });

  const runnerFor = (projection: Projection, options: Partial<ProjectionRunnerOptions> = {}) => {
    const runner = new ProjectionRunner(db.dataSource, store, projection, { logger, idleDelayMs: 20, retryDelayMs: 50, ...options });
    runners.push(runner);
    return runner;
  };
  const eventCount = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM events`))[0].n);
  const appliedCount = async () => Number((await db.dataSource.query(`SELECT count(*) AS n FROM applied_events`))[0].n);
  const caughtUp = async (runner: ProjectionRunner) =>
    eventually(async () => {
      expect(await appliedCount()).toBe(await eventCount());
      expect((await runner.refreshLag())?.lag).toBe(0);
    }, 10_000);

  it('applies every event exactly once while appends run concurrently, and reports its progress', async () => {
    const runner = runnerFor(counterProjection(), { batchSize: 25 });
    runner.start();
    const writers = appendContinuously(store, 6);
    await appendToNewStreams(store, 10, 10);
    await sleep(300);
    const appended = await writers.stop();
    expect(appended).toBeGreaterThan(0);
    await caughtUp(runner);
    await expectExactlyOnce(db.dataSource);

    const status = runner.status();
    expect(status).toMatchObject({ name: 'projection:counters', ready: true, lag: 0, lastProgressAt: expect.any(String) });
    expect(status.details).toMatchObject({ eventsApplied: await eventCount(), checkpoint: await loadCheckpoint(db.dataSource.manager, 'counters') });
    expect(status.details?.eventsPerSecond).toBeGreaterThan(0);
  });

  it('applies events in commit order where transaction ids gain a digit (9 → 10, 99 → 100)', async () => {
    // Regression: EventStore.readAll sorted the ids as text, so '10' came before '9'.
    const transactions = ['9', '10', '99', '100', '101'];
    for (const tx of transactions) {
      await db.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, 'counter', 1)`, [`s-${tx}`]);
      await db.dataSource.query(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, metadata, transaction_id)
         VALUES ($1, 1, gen_random_uuid(), 'Counted', '{}', '{}', $2::xid8)`,
        [`s-${tx}`, tx],
      );
    }
    const applied: string[] = [];
    const runner = runnerFor(counterProjection({ afterWrite: async (events) => void applied.push(...events.map((e) => e.transactionId)) }), { batchSize: 2 });
    while ((await runner.step()).read > 0);
    expect(applied).toEqual(transactions);
    await expectExactlyOnce(db.dataSource);
  });

  it('does not skip an event whose transaction commits after later ones', async () => {
    const runner = runnerFor(counterProjection());
    runner.start();
    const late = db.dataSource.createQueryRunner();
    await late.connect();
    try {
      await late.startTransaction();
      await store.append('s-late', 'counter', 0, [{ type: 'Counted', data: { n: 1 } }], counterMetadata, {}, late.manager);
      await appendToNewStreams(store, 5, 4);
      await sleep(200);
      // Everything after the open transaction waits for it: nothing is applied out of order.
      expect(await appliedCount()).toBe(0);
      // The lag shows the committed events waiting behind it (the open one is not visible yet).
      await eventually(() => expect(runner.status().lag).toBe(20), 5_000);
      await late.commitTransaction();
    } finally {
      await late.release();
    }
    await caughtUp(runner);
    await expectExactlyOnce(db.dataSource);
    const [first] = await db.dataSource.query(
      `SELECT a.stream_id FROM applied_events a JOIN events e USING (event_id) ORDER BY e.transaction_id, e.global_position LIMIT 1`,
    );
    expect(first.stream_id).toBe('s-late');
  });

  it('moves neither rows nor checkpoint when the handler throws mid-batch, and applies the batch on the next run', async () => {
    let failNext = false;
    const runner = runnerFor(
      counterProjection({
        async afterWrite() {
          if (!failNext) return;
          failNext = false;
          throw new Error('projection bug');
        },
      }),
      { batchSize: 10 },
    );
    await appendToNewStreams(store, 4, 5);
    // A step reads only what no open transaction (of any test running beside this one) can still
    // precede: wait until all 20 events are readable, so each step meets a full batch.
    await eventually(async () => expect(await store.readAll(START_OF_LOG, 100)).toHaveLength(20));
    expect(await runner.step()).toEqual({ read: 10, applied: 10 });
    const afterFirst = await loadCheckpoint(db.dataSource.manager, 'counters');
    const rowsAfterFirst = await counterRows(db.dataSource);

    failNext = true;
    await expect(runner.step()).rejects.toThrow('projection bug');
    expect(await loadCheckpoint(db.dataSource.manager, 'counters')).toEqual(afterFirst);
    expect(await counterRows(db.dataSource)).toEqual(rowsAfterFirst);

    expect(await runner.step()).toEqual({ read: 10, applied: 10 });
    expect(await runner.step()).toEqual({ read: 0, applied: 0 });
    await expectExactlyOnce(db.dataSource);
  });

  it('loses and repeats nothing when its connection is killed in the middle of a batch', async () => {
    let batches = 0;
    let killed = 0;
    const projection = counterProjection({
      async afterWrite(_events, tx) {
        // The third batch dies after writing its rows, before its checkpoint moves: the server
        // drops the session and rolls back its transaction, as a crash would.
        if (++batches !== 3) return;
        killed++;
        await tx.query(`SELECT pg_terminate_backend(pg_backend_pid())`);
      },
    });
    const runner = runnerFor(projection, { batchSize: 10 });
    await appendToNewStreams(store, 10, 6);
    runner.start();
    await caughtUp(runner);
    expect(killed).toBe(1);
    expect(runner.status().details?.eventsApplied).toBe(60);
    await expectExactlyOnce(db.dataSource);
    const fromZero = await projectFromZero(db.dataSource, store, counterProjection(), logger);
    expect(await counterRows(db.dataSource)).toEqual(await counterRows(db.dataSource, fromZero));
  });

  it('applies every event once with two instances of the same projection at once, never moving the checkpoint back', async () => {
    const a = runnerFor(counterProjection(), { batchSize: 15 });
    const b = runnerFor(counterProjection(), { batchSize: 15 });
    a.start();
    b.start();
    const sampler = sampleInOrder(() => loadCheckpoint(db.dataSource.manager, 'counters'), 5);
    let seen: LogPosition[] = [];
    try {
      const writers = appendContinuously(store, 4);
      await appendToNewStreams(store, 8, 8);
      await sleep(300);
      await writers.stop();
      await caughtUp(a);
    } finally {
      seen = await sampler.stop();
    }
    await expectExactlyOnce(db.dataSource);
    const applied = Number(a.status().details?.eventsApplied) + Number(b.status().details?.eventsApplied);
    expect(applied).toBe(await eventCount());
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(compareLogPositions(seen[i - 1], seen[i])).toBeLessThanOrEqual(0);
  });

  it('stops after the batch in flight has committed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inBatch = new Promise<void>((resolve) => (entered = resolve));
    const runner = runnerFor(
      counterProjection({
        async afterWrite() {
          entered();
          await gate;
        },
      }),
      { batchSize: 100 },
    );
    await appendToNewStreams(store, 3, 2);
    runner.start();
    await inBatch;
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await sleep(50);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(runner.status().ready).toBe(false);
    // The batch it stopped in committed whole: nothing applied twice, and the checkpoint is
    // where it ended. (Which events that batch held depends on the cluster's open transactions.)
    const appliedBefore = await appliedCount();
    expect(appliedBefore).toBeGreaterThan(0);
    // A runner started after it carries on from there: every event exactly once in the end.
    const next = runnerFor(counterProjection());
    next.start();
    await caughtUp(next);
    await expectExactlyOnce(db.dataSource);
  });
});
