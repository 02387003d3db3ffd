import type { EntityManager } from 'typeorm';
import type { LogPosition, StoredEvent } from './stored-event';

/**
 * A read model kept from the log. The runner hands it batches in commit order inside the
 * transaction that also moves its checkpoint, so every event is applied exactly once.
 *
 * Projections are read models only: they write their own tables and nothing else. Anything with
 * an effect outside the database (a push, an SMS, a webhook) is a reactor — a Kafka consumer with
 * its own inbox — because a rebuild replays the whole log through the projection.
 */
export interface Projection {
  /** Names the checkpoint (`<name>`, and `<name>:rebuild` while rebuilding). */
  name: string;
  /** Bumped when the read model's meaning changes, i.e. when it needs a rebuild. */
  version: number;
  /**
   * The tables it owns, by their live names. A rebuild fills copies of them (`<table>__rebuild`)
   * and swaps them in, so they must stand alone: no foreign keys, no owned sequences, no views.
   */
  tables: string[];
  /**
   * Applies a batch. `tables` maps each owned table to the physical table to write (the live
   * one, or its shadow during a rebuild): build every statement's table name from it.
   */
  handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>): Promise<void>;
}

export type RebuildState = 'running' | 'swapping' | 'done' | 'failed';

/** How far a rebuild has got; logged every second and answered by the admin API. */
export interface RebuildProgress {
  id: string;
  projection: string;
  state: RebuildState;
  startedAt: string;
  finishedAt?: string;
  eventsDone: number;
  eventsPerSecond: number;
  /** The highest position allocated in the log. */
  head: number;
  position: LogPosition;
  /** Events after the rebuild's position. */
  lag: number;
  etaSeconds?: number;
  error?: string;
}

/** A projection as an operator sees it. */
export interface ProjectionStatus {
  name: string;
  version: number;
  ready: boolean;
  checkpoint?: LogPosition;
  lag?: number;
  eventsPerSecond: number;
  eventsApplied: number;
  lastProgressAt?: string;
  lastError?: string;
  /** The running rebuild, or the last one this process ran. */
  rebuild?: RebuildProgress;
}
