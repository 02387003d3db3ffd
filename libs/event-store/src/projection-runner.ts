import { setTimeout as sleep } from 'node:timers/promises';
import type { Processor, ProcessorStatus } from '@petalpost/platform';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { advanceCheckpoint, loadCheckpoint, measureLag, positionOf } from './checkpoints';
import type { EventStore } from './event-store';
import type { Projection, ProjectionStatus } from './projection';
import type { LogPosition } from './stored-event';

/**
 * A live projection's batch holds a transaction id from its first write to its commit, and every
 * relay and projection of the cluster waits for the oldest such transaction (docs/event-store.md):
 * under load, batches of hundreds kept messages from Kafka for seconds. A hundred events stay short.
 */
export const LIVE_PROJECTION_BATCH = 100;

export interface ProjectionRunnerOptions {
  logger: Logger;
  /** Defaults to the projection's name; a rebuild runs under `<name>:rebuild`. */
  checkpointId?: string;
  /** Logical → physical table names; defaults to the projection's own tables. */
  tables?: Record<string, string>;
  /** Events applied in one transaction; default LIVE_PROJECTION_BATCH. */
  batchSize?: number;
  /** How long to wait before looking again when the log had nothing new. */
  idleDelayMs?: number;
  /** How long to wait after a failed batch before retrying it from the checkpoint. */
  retryDelayMs?: number;
}

export interface BatchOutcome {
  /** Events read after the checkpoint (0: nothing new is visible yet). */
  read: number;
  /** Events applied and checkpointed; 0 when another instance had moved the checkpoint first. */
  applied: number;
}

const LAG_CHECK_INTERVAL_MS = 500;

/**
 * Keeps one projection up to date. The log is read outside any transaction; each batch is then
 * applied in one transaction that locks the checkpoint row, checks it is still where the batch
 * was read from, runs the projection and moves the checkpoint. Rows and checkpoint commit
 * together, so a crash neither loses nor repeats an event, and a second instance of the same
 * projection only ever waits for the lock and then finds the checkpoint moved.
 */
export class ProjectionRunner implements Processor {
  readonly checkpointId: string;
  readonly tables: Record<string, string>;
  private running = false;
  private loop?: Promise<void>;
  private stopping = new AbortController();
  private position?: LogPosition;
  private lag?: number;
  private lastLagCheck = 0;
  private applied = 0;
  private lastProgressAt?: Date;
  private lastError?: string;
  private readonly rate = new RateMeter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions,
  ) {
    this.checkpointId = options.checkpointId ?? projection.name;
    this.tables = options.tables ?? liveTables(projection);
  }

  get batchSize(): number {
    return this.options.batchSize ?? LIVE_PROJECTION_BATCH;
  }

  /** Where this runner last knew its checkpoint to be. */
  get checkpoint(): LogPosition | undefined {
    return this.position;
  }

  get eventsPerSecond(): number {
    return this.rate.perSecond();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  /** Stops after the batch in flight, if any, has committed or rolled back. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await this.loop;
  }

  status(): ProcessorStatus {
    const { checkpoint, lag, lastProgressAt, eventsPerSecond, eventsApplied, lastError } = this.describe();
    return {
      name: `projection:${this.projection.name}`,
      // A failing batch stalls the projection (lag and lastError show it) but the service still
      // takes writes: readiness only says the runner is at work.
      ready: this.running,
      lag,
      lastProgressAt,
      details: { checkpoint, eventsPerSecond, eventsApplied, lastError },
    };
  }

  /** What the admin API shows of this runner. */
  describe(): Omit<ProjectionStatus, 'rebuild'> {
    return {
      name: this.projection.name,
      version: this.projection.version,
      ready: this.running,
      checkpoint: this.position,
      lag: this.lag,
      eventsPerSecond: this.eventsPerSecond,
      eventsApplied: this.applied,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      lastError: this.lastError,
    };
  }

  /** Reads and applies at most one batch. */
  async step(): Promise<BatchOutcome> {
    const from = this.position ?? (this.position = await loadCheckpoint(this.dataSource.manager, this.checkpointId));
    const batch = await this.store.readAll(from, this.batchSize);
    if (batch.length === 0) return { read: 0, applied: 0 };
    const to = positionOf(batch[batch.length - 1]);
    const session = this.dataSource.createQueryRunner();
    try {
      await session.connect();
      await session.startTransaction();
      const current = await lockCheckpoint(session.manager, this.checkpointId);
      if (!current || !samePosition(current, from)) {
        await session.rollbackTransaction();
        this.options.logger.debug({ processor: this.checkpointId }, 'checkpoint moved by another instance; reloading it');
        this.position = current;
        return { read: batch.length, applied: 0 };
      }
      await this.projection.handle(batch, session.manager, this.tables);
      if (!(await advanceCheckpoint(session.manager, this.checkpointId, from, to))) {
        throw new Error(`checkpoint ${this.checkpointId} moved while locked`);
      }
      await session.commitTransaction();
    } catch (err) {
      // Whether it committed is unknown (the connection may have died in COMMIT): the
      // checkpoint row tells, so read it again before the next batch.
      this.position = undefined;
      if (session.isTransactionActive && !session.isReleased) await session.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await session.release().catch(() => undefined);
    }
    this.position = to;
    this.applied += batch.length;
    this.rate.record(batch.length);
    this.lastProgressAt = new Date();
    this.lastError = undefined;
    return { read: batch.length, applied: batch.length };
  }

  /** Measures how far behind the log this runner's checkpoint is. */
  async refreshLag(): Promise<{ head: number; lag: number } | undefined> {
    this.lastLagCheck = Date.now();
    if (!this.position) return undefined;
    const measured = await measureLag(this.dataSource.manager, this.position);
    this.lag = measured.lag;
    return measured;
  }

  private async run(): Promise<void> {
    const { logger, idleDelayMs = 25, retryDelayMs = 1000 } = this.options;
    while (this.running) {
      let outcome: BatchOutcome;
      try {
        outcome = await this.step();
        if (Date.now() - this.lastLagCheck >= LAG_CHECK_INTERVAL_MS) await this.refreshLag();
      } catch (err) {
        this.lastError = (err as Error).message;
        logger.error({ err, processor: this.checkpointId }, 'projection batch failed; retrying from the checkpoint');
        await this.pause(retryDelayMs);
        continue;
      }
      const lostRace = outcome.read > 0 && outcome.applied === 0;
      if (!lostRace && outcome.read < this.batchSize) await this.pause(idleDelayMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopping.signal }).catch(() => undefined);
  }
}

/** The projection's tables under their own names. */
export function liveTables(projection: Projection): Record<string, string> {
  return Object.fromEntries(projection.tables.map((t) => [t, t]));
}

/** Locks a checkpoint row for the rest of the transaction and reads it; undefined when absent. */
export async function lockCheckpoint(db: EntityManager, processorId: string): Promise<LogPosition | undefined> {
  const [row] = await db.query(`SELECT last_tx::text AS tx, last_pos FROM checkpoints WHERE processor_id = $1 FOR UPDATE`, [processorId]);
  return row ? { transactionId: row.tx, globalPosition: Number(row.last_pos) } : undefined;
}

export function samePosition(a: LogPosition, b: LogPosition): boolean {
  return a.transactionId === b.transactionId && a.globalPosition === b.globalPosition;
}

/** Counting is exact up to here; beyond it the lag is estimated from positions. */

/** Events per second over the last few seconds. */
export class RateMeter {
  private readonly samples: Array<{ at: number; count: number }> = [];
  private readonly startedAt = Date.now();

  constructor(private readonly windowMs = 5000) {}

  record(count: number, at = Date.now()): void {
    this.samples.push({ at, count });
    this.trim(at);
  }

  perSecond(now = Date.now()): number {
    this.trim(now);
    const total = this.samples.reduce((sum, s) => sum + s.count, 0);
    const span = Math.max(250, Math.min(this.windowMs, now - this.startedAt));
    return Math.round((total * 1000) / span);
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && this.samples[0].at < now - this.windowMs) this.samples.shift();
  }
}
