import type { EntityManager } from 'typeorm';
import { compareLogPositions } from './checkpoints';
import type { LogPosition } from './stored-event';

/**
 * The last event a reader of the log may see now, in reading order (transaction, then global
 * position), under the rule every reader follows (EventStore.readAll, the relay): only
 * transactions older than every one still open. Undefined for an empty log.
 */
export async function lastReadablePosition(db: EntityManager): Promise<LogPosition | undefined> {
  const [row] = await db.query<Array<{ tx: string; pos: string }>>(
    `SELECT transaction_id::text AS tx, global_position AS pos FROM events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return row ? { transactionId: row.tx, globalPosition: Number(row.pos) } : undefined;
}

/**
 * Resolves once the processor's checkpoint has reached `target` (true), or after `waitAtMostMs`
 * (false: the caller answers with what the read model has, as it would without waiting). Read
 * models trail the log by milliseconds; this turns "moments behind" into "at least as fresh as
 * the log was", for answers that must not be older than news already sent.
 */
export async function checkpointReached(
  db: EntityManager,
  processorId: string,
  target: LogPosition,
  options: { waitAtMostMs?: number; pollMs?: number } = {},
): Promise<boolean> {
  const { waitAtMostMs = 2_000, pollMs = 10 } = options;
  const deadline = Date.now() + waitAtMostMs;
  for (;;) {
    const [row] = await db.query<Array<{ tx: string; pos: string }>>(`SELECT last_tx::text AS tx, last_pos AS pos FROM checkpoints WHERE processor_id = $1`, [
      processorId,
    ]);
    if (row && compareLogPositions({ transactionId: row.tx, globalPosition: Number(row.pos) }, target) >= 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Resolves once the processor has applied everything readable in the log when called (or after the wait). */
export async function caughtUpWithLog(db: EntityManager, processorId: string, options?: { waitAtMostMs?: number; pollMs?: number }): Promise<boolean> {
  const target = await lastReadablePosition(db);
  return target ? checkpointReached(db, processorId, target, options) : true;
}
