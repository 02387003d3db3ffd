import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WritebackFacts, WritebackPlatform, WritebackStatus } from './domain/writeback-plan';

export type WritebackState = 'pending' | 'done' | 'dead';

/** A write-back as staff see it: no credentials, no personal data. */
export interface WritebackView {
  writebackId: string;
  orderId: string;
  connectionId: string;
  platform: WritebackPlatform;
  externalRef: string;
  status: WritebackStatus;
  state: WritebackState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A write-back a worker has claimed for one attempt, with what it needs of its connection. */
export interface ClaimedWriteback {
  writebackId: string;
  shopId: string;
  orderId: string;
  connectionId: string;
  platform: WritebackPlatform;
  externalRef: string;
  facts: WritebackFacts;
  /** This attempt's number in the current round (a retry by staff starts a new round). */
  attempt: number;
}

interface ViewRow {
  writeback_id: string;
  order_id: string;
  connection_id: string;
  platform: WritebackPlatform;
  external_ref: string;
  status: WritebackStatus;
  state: WritebackState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  finished_at: Date | null;
}

const VIEW_COLUMNS =
  'writeback_id, order_id, connection_id, platform, external_ref, status, state, attempts, last_error, next_attempt_at, created_at, finished_at';

function viewOf(row: ViewRow): WritebackView {
  return {
    writebackId: row.writeback_id,
    orderId: row.order_id,
    connectionId: row.connection_id,
    platform: row.platform,
    externalRef: row.external_ref,
    status: row.status,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** The only code that reads and writes intake_writebacks. */
@Injectable()
export class IntakeWritebacksStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Queues the write-back of one order event, in the consumer's transaction. Once per (order,
   * event): a redelivered event adds nothing (false).
   */
  async queue(
    manager: EntityManager,
    writeback: {
      shopId: string;
      connectionId: string;
      platform: WritebackPlatform;
      orderId: string;
      eventId: string;
      externalRef: string;
      facts: WritebackFacts;
    },
  ): Promise<boolean> {
    const rows = await manager.query<Array<{ writeback_id: string }>>(
      `INSERT INTO intake_writebacks (writeback_id, shop_id, connection_id, platform, order_id, event_id, external_ref, status, facts, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, 'pending')
       ON CONFLICT (order_id, event_id) DO NOTHING
       RETURNING writeback_id`,
      [
        randomUUID(),
        writeback.shopId,
        writeback.connectionId,
        writeback.platform,
        writeback.orderId,
        writeback.eventId,
        writeback.externalRef,
        writeback.facts.status,
        JSON.stringify(writeback.facts),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Takes up to `limit` due write-backs. SKIP LOCKED lets every replica's worker claim side by side;
   * a claim is a lease (next_attempt_at moves past the attempt's time limit), so a worker that dies
   * mid-attempt leaves it due again. One order's write-backs go one at a time, in the order they
   * happened: "delivered" is never told before "out for delivery" while that one still waits.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedWriteback[]> {
    const rows = await this.dataSource.query<
      Array<{
        writeback_id: string;
        shop_id: string;
        order_id: string;
        connection_id: string;
        platform: WritebackPlatform;
        external_ref: string;
        facts: WritebackFacts;
        attempts: number;
      }>
    >(
      `WITH due AS (
         SELECT w.writeback_id FROM intake_writebacks w
         WHERE w.state = 'pending' AND w.next_attempt_at <= now()
           AND NOT EXISTS (SELECT 1 FROM intake_writebacks e WHERE e.order_id = w.order_id AND e.state = 'pending' AND e.seq < w.seq)
         ORDER BY w.next_attempt_at, w.seq
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE intake_writebacks w
         SET attempts = w.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
         FROM due WHERE w.writeback_id = due.writeback_id
         RETURNING w.*
       )
       SELECT writeback_id, shop_id, order_id, connection_id, platform, external_ref, facts, attempts FROM claimed ORDER BY seq`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      writebackId: r.writeback_id,
      shopId: r.shop_id,
      orderId: r.order_id,
      connectionId: r.connection_id,
      platform: r.platform,
      externalRef: r.external_ref,
      facts: r.facts,
      attempt: r.attempts,
    }));
  }

  async recordDone(writebackId: string, remoteRef: string | undefined): Promise<void> {
    await this.dataSource.query(
      `UPDATE intake_writebacks SET state = 'done', last_error = NULL, remote_ref = $2, finished_at = now() WHERE writeback_id = $1 AND state = 'pending'`,
      [writebackId, remoteRef ?? null],
    );
  }

  async recordFailure(writebackId: string, error: string, next: { dead: true } | { dead: false; nextAttemptAt: Date }): Promise<void> {
    if (next.dead) {
      await this.dataSource.query(
        `UPDATE intake_writebacks SET state = 'dead', last_error = $2, finished_at = now() WHERE writeback_id = $1 AND state = 'pending'`,
        [writebackId, error],
      );
      return;
    }
    await this.dataSource.query(`UPDATE intake_writebacks SET last_error = $2, next_attempt_at = $3 WHERE writeback_id = $1 AND state = 'pending'`, [
      writebackId,
      error,
      next.nextAttemptAt,
    ]);
  }

  /** Claims abandoned because the service is stopping: due again at once, the attempt not counted. */
  async release(writebackIds: readonly string[]): Promise<void> {
    if (writebackIds.length === 0) return;
    await this.dataSource.query(
      `UPDATE intake_writebacks SET attempts = attempts - 1, next_attempt_at = now() WHERE writeback_id = ANY($1::uuid[]) AND state = 'pending'`,
      [writebackIds],
    );
  }

  /** A shop's write-backs in one state (every shop's, for an operator asking without a shop), oldest first. */
  async list(shopId: string | undefined, state: 'pending' | 'dead', limit: number): Promise<WritebackView[]> {
    const rows = await this.dataSource.query<ViewRow[]>(
      `SELECT ${VIEW_COLUMNS} FROM intake_writebacks
       WHERE state = $1 AND ($2::text IS NULL OR shop_id = $2)
       ORDER BY created_at, seq LIMIT $3`,
      [state, shopId ?? null, limit],
    );
    return rows.map(viewOf);
  }

  /**
   * One connection's latest write-backs whatever became of them (written, still tried, given up),
   * newest first: what the shop's system was last told.
   */
  async latestOf(shopId: string, connectionId: string, limit: number): Promise<WritebackView[]> {
    const rows = await this.dataSource.query<ViewRow[]>(
      `SELECT ${VIEW_COLUMNS} FROM intake_writebacks WHERE connection_id = $1 AND shop_id = $2 ORDER BY seq DESC LIMIT $3`,
      [connectionId, shopId, limit],
    );
    return rows.map(viewOf);
  }

  /**
   * A dead write-back tried again: a new round of attempts, due now. Only a dead one: a pending one
   * is being tried already, a done one was written (the caller answers 409 with its state).
   */
  async retryDead(writebackId: string, mayRetry: (shopId: string) => boolean): Promise<{ retried: WritebackView } | { refused: WritebackView } | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [found] = await manager.query<Array<ViewRow & { shop_id: string }>>(
        `SELECT ${VIEW_COLUMNS}, shop_id FROM intake_writebacks WHERE writeback_id = $1 FOR UPDATE`,
        [writebackId],
      );
      if (!found || !mayRetry(found.shop_id)) return undefined;
      if (found.state !== 'dead') return { refused: viewOf(found) };
      const [[row]] = await manager.query<[ViewRow[], number]>(
        `UPDATE intake_writebacks SET state = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL
         WHERE writeback_id = $1 RETURNING ${VIEW_COLUMNS}`,
        [writebackId],
      );
      return { retried: viewOf(row) };
    });
  }
}
