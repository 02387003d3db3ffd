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
