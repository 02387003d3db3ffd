import { compareLogPositions, type LogPosition, positionOf, type StoredEvent } from '@petalpost/event-store';
import type { DataSource } from 'typeorm';
import { peopleDirectoryProjection } from './projections/people-directory.projection';

const WAIT_AT_MOST_MS = 2_000;
const POLL_MS = 10;

/**
 * Resolves once the people directory has applied these events (its checkpoint has passed the last
 * of them), so that an answer means what it says: a new owner can sign in at once, and a removed
 * member's next refresh is refused at once. The read model trails the log by milliseconds; if it
 * falls further behind, the answer goes out after WAIT_AT_MOST_MS anyway.
 */
export async function directoryCaughtUp(dataSource: DataSource, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  // A command's events commit in one transaction, its own stream's last: that one is the highest.
  const target = positionOf(events[events.length - 1]);
  const deadline = Date.now() + WAIT_AT_MOST_MS;
  while (Date.now() < deadline) {
    const [row] = await dataSource.query<Array<{ tx: string; pos: string }>>(
      `SELECT last_tx::text AS tx, last_pos AS pos FROM checkpoints WHERE processor_id = $1`,
      [peopleDirectoryProjection.name],
    );
    const checkpoint: LogPosition | undefined = row ? { transactionId: row.tx, globalPosition: Number(row.pos) } : undefined;
    if (checkpoint && compareLogPositions(checkpoint, target) >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
