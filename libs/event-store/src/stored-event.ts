import type { EventMetadata } from '@petalpost/contracts';

/** An event a decider produced, before it has a place in the log. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  /** Defaults to 1; bump it when the data's shape changes, with an upcaster for the old one. */
  schemaVersion?: number;
}

/** An event as the log holds it. */
export interface StoredEvent<T extends string = string, D = unknown> {
  eventId: string;
  streamId: string;
  streamVersion: number;
  /** Allocation order across the log; commit order is (transactionId, globalPosition). */
  globalPosition: number;
  /** The writing transaction's id (xid8, as text). */
  transactionId: string;
  type: T;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  recordedAt: Date;
}

/** Where a reader of the whole log has got to, in commit order. */
export interface LogPosition {
  transactionId: string;
  globalPosition: number;
}

export const START_OF_LOG: LogPosition = { transactionId: '0', globalPosition: 0 };

export interface EventRow {
  event_id: string;
  stream_id: string;
  stream_version: number;
  global_position: string;
  transaction_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: Number(row.global_position),
    transactionId: row.transaction_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

export const EVENT_COLUMNS =
  'event_id, stream_id, stream_version, global_position, transaction_id::text AS transaction_id, type, schema_version, data, metadata, recorded_at';
