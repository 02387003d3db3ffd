import { checkpointReached, positionOf, type StoredEvent } from '@petalpost/event-store';
import type { DataSource } from 'typeorm';
import { peopleDirectoryProjection } from './projections/people-directory.projection';

const WAIT_AT_MOST_MS = 2_000;

/**
 * Resolves once the people directory has applied these events (its checkpoint has passed the last
 * of them), so that an answer means what it says: a new owner can sign in at once, and a removed
 * member's next refresh is refused at once. The read model trails the log by milliseconds; if it
 * falls further behind, the answer goes out after WAIT_AT_MOST_MS anyway.
 */
export async function directoryCaughtUp(dataSource: DataSource, events: readonly StoredEvent[]): Promise<void> {
  if (events.length === 0) return;
  // A command's events commit in one transaction, its own stream's last: that one is the highest.
  await checkpointReached(dataSource.manager, peopleDirectoryProjection.name, positionOf(events[events.length - 1]), { waitAtMostMs: WAIT_AT_MOST_MS });
}
