import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '@petalpost/contracts';
import type { Logger } from 'pino';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { loadCheckpoint, positionOf } from './checkpoints';
import type { EventStore } from './event-store';
import type { Projection, RebuildProgress } from './projection';
import { compareLogPositions, measureLag } from './checkpoints';
import { lockCheckpoint, ProjectionRunner, RateMeter, samePosition } from './projection-runner';
import type { LogPosition } from './stored-event';

export interface RebuildOptions {
  logger: Logger;
  batchSize?: number;
  progressIntervalMs?: number;
  /**
   * How long the swap may wait for the live tables (queries in flight hold them). While it waits,
   * new queries queue behind it, so it gives up soon, catches up and tries again.
   */
  swapLockTimeoutMs?: number;
  /** The most events the swap applies while it holds the live projection paused. */
  maxEventsInSwap?: number;
  retryDelayMs?: number;
  /** How long to wait before looking again once the shadow has caught up but could not swap. */
  idleDelayMs?: number;
  /** Consecutive failed batches after which the rebuild gives up. */
  maxFailures?: number;
}

const LOCK_NOT_AVAILABLE = '55P03';
const SHADOW_SUFFIX = '__rebuild';
const OLD_SUFFIX = '__old';

export class RebuildInProgress extends DomainError {
  constructor(projection: string, progress?: RebuildProgress) {
    super('conflict', 'REBUILD_IN_PROGRESS', `projection ${projection} is already being rebuilt`, progress ? { rebuild: progress } : undefined);
  }
}

export function rebuildCheckpointId(projection: Projection): string {
  return `${projection.name}:rebuild`;
}

export function shadowTables(projection: Projection): Record<string, string> {
  return Object.fromEntries(projection.tables.map((t) => [t, `${t}${SHADOW_SUFFIX}`]));
}

/**
 * Rebuilds a projection while the live one keeps serving (blue/green): copies of its tables
 * (`<table>__rebuild`) are filled from the start of the log by a second runner under its own
 * checkpoint, then swapped in by one transaction that
 *   1. locks the live checkpoint row — the live runner waits on that lock before it touches its
 *      tables, so it is paused and holds nothing the swap needs;
 *   2. applies to the shadow whatever the log shows beyond the rebuild's checkpoint;
 *   3. renames live → `__old`, shadow → live, drops `__old` and gives the new tables the old
 *      index names (so later migrations find them);
 *   4. sets the live checkpoint to the rebuild's position and deletes the rebuild's.
 * The checkpoint always describes exactly what its tables hold, so after the commit the live
 * runner finds its checkpoint moved, reloads it and carries on from where the rebuild stopped.
 * Queries see the old tables until the commit and the new ones after it: PostgreSQL resolves a
 * table name again when a lock wait ends in a rename.
 *
 * A rebuild replays every event through the projection's handler, which is why projections
 * write only their tables: side effects belong to reactors, which a rebuild never replays.
 */
export class ProjectionRebuild {
  readonly id = randomUUID();
  private readonly checkpointId: string;
  private readonly tables: Record<string, string>;
  private readonly rate = new RateMeter();
  private readonly progress: RebuildProgress;
  private cancelled = false;
  private finished?: Promise<RebuildProgress>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly projection: Projection,
    private readonly options: RebuildOptions,
  ) {
    this.checkpointId = rebuildCheckpointId(projection);
    this.tables = shadowTables(projection);
    for (const table of [...projection.tables, ...Object.values(this.tables)]) assertTableName(table);
    this.progress = {
      id: this.id,
      projection: projection.name,
      state: 'running',
      startedAt: new Date().toISOString(),
      eventsDone: 0,
      eventsPerSecond: 0,
      head: 0,
      position: { transactionId: '0', globalPosition: 0 },
      lag: 0,
    };
  }

  get isRunning(): boolean {
    return this.progress.state === 'running' || this.progress.state === 'swapping';
  }

  snapshot(): RebuildProgress {
    return { ...this.progress, eventsPerSecond: this.isRunning ? this.rate.perSecond() : this.progress.eventsPerSecond };
  }

  /**
   * Takes the projection's rebuild lock (one rebuild per projection across every instance; a
   * session advisory lock, so no transaction stays open), creates the shadow tables and starts
   * filling them. Throws RebuildInProgress when another instance is rebuilding it.
   */
  async start(): Promise<RebuildProgress> {
    const session = this.dataSource.createQueryRunner();
    try {
      await session.connect();
      const [{ locked }] = await session.query(`SELECT pg_try_advisory_lock(hashtext(current_schema() || ':projection-rebuild:' || $1)) AS locked`, [
        this.projection.name,
      ]);
      if (!locked) throw new RebuildInProgress(this.projection.name);
      await this.createShadow();
      // The whole log is ahead of it: known from the first answer, so progress reads as done of total.
      Object.assign(this.progress, await measureLag(this.dataSource.manager, this.progress.position));
    } catch (err) {
      this.progress.state = 'failed';
      this.progress.error = (err as Error).message;
      await releaseSession(session);
      throw err;
    }
    this.options.logger.info({ projection: this.projection.name, rebuildId: this.id, tables: this.tables }, 'projection rebuild started');
    this.finished = this.run(session);
    return this.snapshot();
  }

  /** Resolves when the rebuild has swapped its tables in, failed or been cancelled. */
  done(): Promise<RebuildProgress> {
    return this.finished ?? Promise.resolve(this.snapshot());
  }

  /** Stops the rebuild and drops its tables; the live projection is untouched. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.finished;
  }

  private async createShadow(): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      for (const [live, shadow] of Object.entries(this.tables)) {
        await db.query(`DROP TABLE IF EXISTS "${shadow}"`);
        await db.query(`CREATE TABLE "${shadow}" (LIKE "${live}" INCLUDING ALL)`);
      }
      await db.query(`DELETE FROM checkpoints WHERE processor_id = $1`, [this.checkpointId]);
      await loadCheckpoint(db, this.checkpointId);
    });
  }

  private async run(lockSession: QueryRunner): Promise<RebuildProgress> {
    const { logger, progressIntervalMs = 1000, retryDelayMs = 1000, idleDelayMs = 25, maxFailures = 5 } = this.options;
    const runner = new ProjectionRunner(this.dataSource, this.store, this.projection, {
      logger,
      checkpointId: this.checkpointId,
      tables: this.tables,
      batchSize: this.options.batchSize ?? 1000,
    });
    const ticker = setInterval(() => void this.report(runner.checkpoint), progressIntervalMs);
    ticker.unref();
    let failures = 0;
    let swapped = false;
    try {
      while (!this.cancelled && !swapped) {
        let caughtUp: boolean;
        try {
          const outcome = await runner.step();
          this.count(outcome.applied, runner.checkpoint);
          caughtUp = outcome.read < runner.batchSize;
          const position = runner.checkpoint;
          if (caughtUp && position) {
            this.progress.lag = 0;
            // The advisory lock lives as long as its connection: without it, no swap.
            await lockSession.query(`SELECT 1`);
            swapped = await this.swap(position);
          }
          failures = 0;
        } catch (err) {
          if (++failures >= maxFailures) throw err;
          logger.warn({ err, projection: this.projection.name, rebuildId: this.id }, 'projection rebuild batch failed; retrying');
          await sleep(retryDelayMs);
          continue;
        }
        if (caughtUp && !swapped) await sleep(idleDelayMs);
      }
      if (swapped) {
        this.finish('done');
      } else {
        await this.dropShadow();
        this.finish('failed', 'cancelled');
      }
    } catch (err) {
      logger.error({ err, projection: this.projection.name, rebuildId: this.id }, 'projection rebuild failed; the live projection is untouched');
      await this.dropShadow().catch(() => undefined);
      this.finish('failed', (err as Error).message);
    } finally {
      clearInterval(ticker);
      await releaseSession(lockSession);
    }
    return this.snapshot();
  }

  /** Swaps the caught-up shadow tables in; false when it should catch up more and try again. */
  private async swap(from: LogPosition): Promise<boolean> {
    const { swapLockTimeoutMs = 1000, maxEventsInSwap = 2 * (this.options.batchSize ?? 1000), logger } = this.options;
    this.progress.state = 'swapping';
    const session = this.dataSource.createQueryRunner();
    try {
      await session.connect();
      await session.startTransaction();
      const db = session.manager;
      await db.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(swapLockTimeoutMs))}`);
      // Lock order everywhere: checkpoint row first, tables after — the live runner does the same.
      await loadCheckpoint(db, this.projection.name);
      const live = await lockCheckpoint(db, this.projection.name);
      const own = await lockCheckpoint(db, this.checkpointId);
      if (!own || !samePosition(own, from)) throw new Error(`rebuild checkpoint ${this.checkpointId} moved under the rebuild`);
      let position = from;
      let applied = 0;
      for (;;) {
        const batch = await this.store.readAll(position, this.options.batchSize ?? 1000, db);
        if (batch.length === 0) break;
        applied += batch.length;
        if (applied > maxEventsInSwap) {
          // Still far behind: keep the live projection paused no longer, catch up outside.
          await session.rollbackTransaction();
          this.progress.state = 'running';
          return false;
        }
        await this.projection.handle(batch, db, this.tables);
        position = positionOf(batch[batch.length - 1]);
      }
      // Cannot happen (whatever the live runner applied, this transaction sees), but a checkpoint never goes back.
      if (live && compareLogPositions(live, position) > 0)
        throw new Error(`live checkpoint is ahead of the rebuild at ${position.transactionId}:${position.globalPosition}`);
      for (const [liveTable, shadow] of Object.entries(this.tables)) await swapTable(db, liveTable, shadow);
      await db.query(`UPDATE checkpoints SET last_tx = $2::xid8, last_pos = $3, updated_at = now() WHERE processor_id = $1`, [
        this.projection.name,
        position.transactionId,
        position.globalPosition,
      ]);
      await db.query(`DELETE FROM checkpoints WHERE processor_id = $1`, [this.checkpointId]);
      await session.commitTransaction();
      this.count(applied, position);
      this.progress.lag = 0;
      logger.info({ projection: this.projection.name, rebuildId: this.id, position, eventsDone: this.progress.eventsDone }, 'projection rebuild swapped in');
      return true;
    } catch (err) {
      if (session.isTransactionActive && !session.isReleased) await session.rollbackTransaction().catch(() => undefined);
      this.progress.state = 'running';
      if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw err;
      logger.info(
        { projection: this.projection.name, rebuildId: this.id },
        'projection rebuild: the live projection or its readers held a lock too long; catching up and trying the swap again',
      );
      return false;
    } finally {
      await session.release().catch(() => undefined);
    }
  }

  private count(applied: number, position: LogPosition | undefined): void {
    if (applied > 0) this.rate.record(applied);
    this.progress.eventsDone += applied;
    // Between measurements (report) the figures move with each batch; the head is never behind the position.
    this.progress.lag = Math.max(0, this.progress.lag - applied);
    if (position) {
      this.progress.position = position;
      this.progress.head = Math.max(this.progress.head, position.globalPosition);
    }
  }

  private async report(position: LogPosition | undefined): Promise<void> {
    if (!position || !this.isRunning) return;
    try {
      const { head, lag } = await measureLag(this.dataSource.manager, position);
      // Measured before a swap that has begun (or finished) since: that figure is stale, and a done rebuild's lag is 0.
      if (this.progress.state !== 'running') return;
      const eventsPerSecond = this.rate.perSecond();
      Object.assign(this.progress, { head, lag, eventsPerSecond, etaSeconds: eventsPerSecond > 0 ? Math.ceil(lag / eventsPerSecond) : undefined });
      this.options.logger.info(
        {
          projection: this.projection.name,
          rebuildId: this.id,
          eventsDone: this.progress.eventsDone,
          eventsPerSecond,
          head,
          lag,
          etaSeconds: this.progress.etaSeconds,
        },
        'projection rebuild progress',
      );
    } catch (err) {
      this.options.logger.warn({ err, projection: this.projection.name }, 'projection rebuild: could not measure progress');
    }
  }

  private finish(state: 'done' | 'failed', error?: string): void {
    Object.assign(this.progress, { state, error, eventsPerSecond: this.rate.perSecond(), finishedAt: new Date().toISOString(), etaSeconds: undefined });
    if (state === 'done') this.progress.head = Math.max(this.progress.head, this.progress.position.globalPosition);
    this.options.logger.info(
      { projection: this.projection.name, rebuildId: this.id, state, error, eventsDone: this.progress.eventsDone },
      'projection rebuild finished',
    );
  }

  private async dropShadow(): Promise<void> {
    await this.dataSource.transaction(async (db) => {
      for (const shadow of Object.values(this.tables)) await db.query(`DROP TABLE IF EXISTS "${shadow}"`);
      await db.query(`DELETE FROM checkpoints WHERE processor_id = $1`, [this.checkpointId]);
    });
  }
}

/**
 * Puts `shadow` in the place of `live` (both locked for the rest of the transaction) and gives
 * its indexes and their constraints the names the live ones had: `LIKE … INCLUDING ALL` names
 * them after the shadow, and migrations refer to them by name.
 */
async function swapTable(db: EntityManager, live: string, shadow: string): Promise<void> {
  const liveIndexes = await indexesOf(db, live);
  const old = `${live}${OLD_SUFFIX}`;
  await db.query(`ALTER TABLE "${live}" RENAME TO "${old}"`);
  await db.query(`ALTER TABLE "${shadow}" RENAME TO "${live}"`);
  await db.query(`DROP TABLE "${old}"`);
  const unmatched = await indexesOf(db, live);
  for (const wanted of liveIndexes) {
    const i = unmatched.findIndex((index) => index.shape === wanted.shape);
    if (i < 0) continue;
    const [index] = unmatched.splice(i, 1);
    if (index.name !== wanted.name) await db.query(`ALTER INDEX "${index.name}" RENAME TO "${wanted.name}"`);
  }
}

async function indexesOf(db: EntityManager, table: string): Promise<Array<{ name: string; shape: string }>> {
  const rows: Array<{ name: string; definition: string; unique: boolean }> = await db.query(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = to_regclass($1) ORDER BY c.relname`,
    [table],
  );
  // "CREATE [UNIQUE] INDEX <name> ON <schema>.<table> USING btree (…) [WHERE …]": from USING on is its shape.
  return rows.map((r) => ({ name: r.name, shape: `${r.unique}:${r.definition.slice(r.definition.indexOf(' USING '))}` }));
}

/** Table names go into SQL as identifiers: plain lower-case names only, short enough for the suffixes. */
export function assertTableName(table: string): void {
  if (!/^[a-z_][a-z0-9_]{0,53}$/.test(table.replace(new RegExp(`(${SHADOW_SUFFIX}|${OLD_SUFFIX})$`), ''))) {
    throw new Error(`invalid projection table name: ${table}`);
  }
}

async function releaseSession(session: QueryRunner): Promise<void> {
  if (session.isReleased) return;
  // A pooled connection outlives its release, and its session's advisory locks with it.
  await session.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
  await session.release().catch(() => undefined);
}
