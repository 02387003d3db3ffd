import { setTimeout as sleep } from 'node:timers/promises';
import type { Processor, ProcessorStatus } from '@petalpost/platform';
import type { Logger } from 'pino';
import type { DataSource, QueryRunner } from 'typeorm';
import { advanceCheckpoint, loadCheckpoint, measureLag, positionOf } from './checkpoints';
import type { EventStore } from './event-store';
import type { LogPosition, StoredEvent } from './stored-event';

export interface RelayOptions {
  /** Names the checkpoint and the leader lock, e.g. `orders.relay`. */
  name: string;
  /** Produces a batch in order and resolves once the broker acknowledged all of it. */
  publish(events: StoredEvent[]): Promise<void>;
  logger: Logger;
  batchSize?: number;
  /** How long to wait before looking again when there was nothing new. */
  idleDelayMs?: number;
  /** How long a standby waits before trying to become the leader again. */
  standbyDelayMs?: number;
}

/**
 * The log is the outbox: the relay reads committed events in commit order and publishes them.
 * Exactly one instance per service publishes (a session advisory lock on a connection that holds
 * no transaction); the checkpoint moves only after the broker acknowledged the batch, so a crash
 * re-publishes at most the last batch and consumers drop those duplicates by event id.
 */
export class OutboxRelay implements Processor {
  private running = false;
  private loop?: Promise<void>;
  private leader = false;
  private position?: LogPosition;
  private lag = 0;
  private lastProgressAt?: Date;
  private published = 0;
  /** Ends the current idle wait early: an append in this process committed. */
  private wake?: () => void;
  /** An append committed since the relay last looked: the next idle wait is skipped. */
  private signalled = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly options: RelayOptions,
  ) {}

  private unsubscribe?: () => void;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.onAppended(() => {
      this.signalled = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  /** Waits `ms`, or less when an append of this process commits meanwhile. */
  private idle(ms: number): Promise<void> {
    if (this.signalled) {
      this.signalled = false;
      return new Promise((resolve) => setImmediate(resolve));
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.signalled = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  status(): ProcessorStatus {
    return {
      name: this.options.name,
      // A standby is healthy: it takes over when the leader goes away.
      ready: this.running,
      lag: this.leader ? this.lag : undefined,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { leader: this.leader, published: this.published, position: this.position },
    };
  }

  private async run(): Promise<void> {
    const { logger, standbyDelayMs = 1000 } = this.options;
    while (this.running) {
      let session: QueryRunner | undefined;
      try {
        session = this.dataSource.createQueryRunner();
        await session.connect();
        // Advisory locks are database-wide: key by schema too, so services sharing a database don't share a leader.
        const [{ locked }] = await session.query(`SELECT pg_try_advisory_lock(hashtext(current_schema() || ':' || $1)) AS locked`, [this.options.name]);
        if (!locked) {
          await sleep(standbyDelayMs);
          continue;
        }
        this.leader = true;
        logger.info({ processor: this.options.name }, 'relay is the leader');
        await this.publishWhileLeader(session);
      } catch (err) {
        logger.error({ err, processor: this.options.name }, 'relay failed; retrying');
        await sleep(standbyDelayMs);
      } finally {
        this.leader = false;
        // The connection goes back to a pool and lives on: unlock explicitly before releasing it.
        if (session && !session.isReleased) {
          await session.query(`SELECT pg_advisory_unlock_all()`).catch(() => undefined);
          await session.release().catch(() => undefined);
        }
      }
    }
  }

  private async publishWhileLeader(session: QueryRunner): Promise<void> {
    const { batchSize = 500, idleDelayMs = 20, name, logger } = this.options;
    let position = await loadCheckpoint(session.manager, name);
    this.position = position;
    let lastLagCheck = 0;
    while (this.running) {
      const batch = await this.store.readAll(position, batchSize, session.manager);
      if (batch.length > 0) {
        await this.options.publish(batch);
        const next = positionOf(batch[batch.length - 1]);
        if (!(await advanceCheckpoint(session.manager, name, position, next))) {
          logger.warn({ processor: name }, 'checkpoint moved by another relay; reloading it');
          position = await loadCheckpoint(session.manager, name);
        } else {
          position = next;
          this.published += batch.length;
          this.lastProgressAt = new Date();
        }
        this.position = position;
      }
      if (Date.now() - lastLagCheck > 1000) {
        this.lag = (await measureLag(session.manager, position)).lag;
        lastLagCheck = Date.now();
      }
      if (batch.length < batchSize) await this.idle(idleDelayMs);
    }
  }
}
