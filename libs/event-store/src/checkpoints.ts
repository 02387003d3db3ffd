import type { EntityManager } from 'typeorm';
import { type LogPosition, START_OF_LOG } from './stored-event';

/** Reads a processor's checkpoint, creating it at the start of the log the first time. */
export async function loadCheckpoint(db: EntityManager, processorId: string): Promise<LogPosition> {
  await db.query(`INSERT INTO checkpoints (processor_id) VALUES ($1) ON CONFLICT DO NOTHING`, [processorId]);
  const [row] = await db.query(`SELECT last_tx::text AS tx, last_pos FROM checkpoints WHERE processor_id = $1`, [processorId]);
  return { transactionId: row.tx, globalPosition: Number(row.last_pos) };
}

/**
 * Moves a checkpoint from `from` to `to` only if nobody moved it meanwhile, so a checkpoint never
 * goes backwards even with two instances at work. Returns false when it had moved.
 */
export async function advanceCheckpoint(db: EntityManager, processorId: string, from: LogPosition, to: LogPosition): Promise<boolean> {
  const [, affected] = await db.query(
    `UPDATE checkpoints SET last_tx = $4::xid8, last_pos = $5, updated_at = now()
     WHERE processor_id = $1 AND last_tx = $2::xid8 AND last_pos = $3`,
    [processorId, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition],
  );
  return affected === 1;
}

export function positionOf(event: { transactionId: string; globalPosition: number }): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

export { START_OF_LOG };

/** Commit order: transaction id (a 64-bit number), then position. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return Math.sign(a.globalPosition - b.globalPosition);
}

const EXACT_LAG_UP_TO = 10_000;

/**
 * Events after `position` in commit order, and the log's head. `head − position` alone is off
 * when positions were allocated in another order than their transactions committed, so the lag
 * is counted — exactly near zero, where alarms and the rebuild's swap look, and capped so a
 * far-behind reader pays for at most EXACT_LAG_UP_TO index entries.
 */
export async function measureLag(db: EntityManager, position: LogPosition): Promise<{ head: number; lag: number }> {
  const [row] = await db.query(
    `SELECT (SELECT coalesce(max(global_position), 0) FROM events) AS head,
            (SELECT count(*) FROM (
               SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) LIMIT ${EXACT_LAG_UP_TO}
             ) AS behind) AS behind`,
    [position.transactionId, position.globalPosition],
  );
  const head = Number(row.head);
  const behind = Number(row.behind);
  return { head, lag: behind < EXACT_LAG_UP_TO ? behind : Math.max(behind, head - position.globalPosition) };
}
