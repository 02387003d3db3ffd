import { randomUUID } from 'node:crypto';
import { DomainError, type EventMetadata } from '@petalpost/contracts';
import type { Pool, PoolClient, QueryConfig, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { EVENT_COLUMNS, type EventRow, type LogPosition, type NewEvent, type StoredEvent, toStoredEvent } from './stored-event';

export interface AppendOptions {
  /** Recorded with the events; a retry with the same key and fingerprint appends nothing. */
  idempotency?: { key: string; fingerprint: string };
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append. */
  version: number;
  events: StoredEvent[];
}

/** What an earlier command with the same idempotency key appended. */
export interface IdempotentReplay {
  streamId: string;
  version: number;
  fingerprint: string;
}

export class StreamVersionConflict extends DomainError {
  constructor(streamId: string, expectedVersion: number) {
    super('conflict', 'STREAM_VERSION_CONFLICT', `stream ${streamId} is no longer at version ${expectedVersion}`, { streamId, expectedVersion });
  }
}

export class IdempotencyKeyTaken extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} was recorded concurrently`);
  }
}

const UNIQUE_VIOLATION = '23505';

/** Only what the database makes up: the caller already has ids, types, data and metadata. */
const GENERATED = 'global_position, transaction_id::text AS transaction_id, recorded_at';

// The stream upsert is each statement's first write, so the transaction id orders this stream's
// appends the way their versions do (see docs/event-store.md, "append first"). A new stream is
// created; an existing one moves on only from the version the writer saw. Every statement is a
// named prepared statement: parsed and planned once per connection, not on every call.
const CLAIM_NEW = `INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, $3::int + $4::int)
  ON CONFLICT (stream_id) DO NOTHING RETURNING version`;
const CLAIM_EXISTING = `UPDATE streams SET version = $3::int + $4::int, updated_at = now()
  WHERE stream_id = $1 AND version = $3::int AND stream_type = $2 RETURNING version`;

/** One event: scalars only, no arrays to build or parse. $1 stream, $2 type, $3 expected, $4 = 1. */
const appendOne = (claim: string) => `
  WITH stream AS (${claim}
  ), appended AS (
    INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    SELECT $1, stream.version, $5::uuid, $6, $7::int, $8::jsonb, $9::jsonb FROM stream
    RETURNING ${GENERATED}
  ), remembered AS (
    INSERT INTO idempotency_keys (idempotency_key, fingerprint, stream_id, stream_version)
    SELECT $10::text, $11::text, $1, stream.version FROM stream WHERE $10::text IS NOT NULL
  )
  SELECT * FROM appended`;

/**
 * Several events: one row per array element, in array order (a single function scan, so the
 * positions follow the versions). The data travel as one JSON array, parsed once.
 */
const appendMany = (claim: string) => `
  WITH stream AS (${claim}
  ), appended AS (
    INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    SELECT $1, $3::int + e.i::int, e.event_id, e.type, e.schema_version, $8::jsonb -> (e.i::int - 1), $9::jsonb
    FROM unnest($5::uuid[], $6::text[], $7::int[]) WITH ORDINALITY AS e(event_id, type, schema_version, i)
    WHERE EXISTS (SELECT 1 FROM stream)
    RETURNING stream_version, ${GENERATED}
  ), remembered AS (
    INSERT INTO idempotency_keys (idempotency_key, fingerprint, stream_id, stream_version)
    SELECT $10::text, $11::text, $1, stream.version FROM stream WHERE $10::text IS NOT NULL
  )
  SELECT * FROM appended`;

const STATEMENTS = {
  appendNewOne: { name: 'es_append_new_1', text: appendOne(CLAIM_NEW) },
  appendExistingOne: { name: 'es_append_existing_1', text: appendOne(CLAIM_EXISTING) },
  appendNewMany: { name: 'es_append_new_n', text: appendMany(CLAIM_NEW) },
  appendExistingMany: { name: 'es_append_existing_n', text: appendMany(CLAIM_EXISTING) },
  readStream: {
    name: 'es_read_stream',
    text: `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
  },
  /** Audits: the stream as it was at a time or a global position. */
  readStreamAsOf: {
    name: 'es_read_stream_as_of',
    text: `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version >= $2
         AND ($3::timestamptz IS NULL OR recorded_at <= $3)
         AND ($4::bigint IS NULL OR global_position <= $4)
       ORDER BY stream_version`,
  },
  readAll: {
    name: 'es_read_all',
    text: `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY events.transaction_id, events.global_position -- the columns: a bare name would sort the text alias
       LIMIT $3`,
  },
  /** Writers of one stream queue here for the rest of their transaction (see lockStream). */
  lockStream: {
    name: 'es_lock_stream',
    text: `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':stream:' || $1, 0))`,
  },
  idempotency: {
    name: 'es_idempotency',
    text: `SELECT stream_id, stream_version, fingerprint FROM idempotency_keys WHERE idempotency_key = $1`,
  },
} as const;

/**
 * Per event type, functions that turn version n's data into version n + 1's. Events are never
 * rewritten in the log; readers see every event at its current version.
 */
export type Upcasters = Record<string, Record<number, (data: unknown) => unknown>>;

/** Stores over one DataSource are views of one log: an append through any of them wakes its relay. */
const appendedListenersByLog = new WeakMap<DataSource, Set<() => void>>();

function listenersOf(dataSource: DataSource): Set<() => void> {
  let listeners = appendedListenersByLog.get(dataSource);
  if (!listeners) appendedListenersByLog.set(dataSource, (listeners = new Set()));
  return listeners;
}

interface Queryable {
  query<R extends QueryResultRow>(config: QueryConfig): Promise<{ rows: R[] }>;
}

/**
 * Append and read one service's event log (tables of EventStore1764000000000 in the schema on
 * the connection's search_path). Appends are single statements: the stream's version check, the
 * events and the idempotency key commit together or not at all. Statements go to pg directly
 * (the DataSource's pool, or the connection of the given transaction), as named prepared
 * statements.
 */
export class EventStore {
  private readonly appendedListeners: Set<() => void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly upcasters: Upcasters = {},
  ) {
    this.appendedListeners = listenersOf(dataSource);
  }

  /**
   * Called after each append of this process through any store over this DataSource (one log) that
   * committed on its own (not inside a caller's transaction): lets the relay look at once instead of
   * at its next poll. Returns unsubscribe.
   */
  onAppended(listener: () => void): () => void {
    this.appendedListeners.add(listener);
    return () => this.appendedListeners.delete(listener);
  }

  /** The pool, or the connection a transaction's EntityManager holds. */
  private async db(manager?: EntityManager): Promise<Queryable> {
    const runner = manager?.queryRunner as unknown as { connect(): Promise<PoolClient> } | undefined;
    if (runner) return runner.connect();
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /**
   * Appends events to a stream that must be at `expectedVersion` (0: must not exist yet).
   * Throws StreamVersionConflict when another writer got there first.
   */
  async append(
    streamId: string,
    streamType: string,
    expectedVersion: number,
    events: NewEvent[],
    metadata: EventMetadata,
    options: AppendOptions = {},
    manager?: EntityManager,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const newVersion = expectedVersion + events.length;
    const idempotency = options.idempotency;
    const ids = events.map(() => randomUUID());
    const one = events.length === 1;
    const statement = one
      ? expectedVersion === 0
        ? STATEMENTS.appendNewOne
        : STATEMENTS.appendExistingOne
      : expectedVersion === 0
        ? STATEMENTS.appendNewMany
        : STATEMENTS.appendExistingMany;
    const metadataJson = JSON.stringify(metadata);
    const values = one
      ? [streamId, streamType, expectedVersion, 1, ids[0], events[0].type, events[0].schemaVersion ?? 1, JSON.stringify(events[0].data), metadataJson]
      : [
          streamId,
          streamType,
          expectedVersion,
          events.length,
          ids,
          events.map((e) => e.type),
          events.map((e) => e.schemaVersion ?? 1),
          `[${events.map((e) => JSON.stringify(e.data)).join(',')}]`,
          metadataJson,
        ];
    (values as unknown[]).push(idempotency?.key ?? null, idempotency?.fingerprint ?? null);
    let rows: { stream_version?: number; global_position: string; transaction_id: string; recorded_at: Date }[];
    try {
      rows = (await (await this.db(manager)).query({ ...statement, values })).rows as typeof rows;
    } catch (err) {
      if (
        (err as { code?: string }).code === UNIQUE_VIOLATION &&
        idempotency &&
        String((err as { constraint?: string }).constraint).startsWith('idempotency_keys')
      ) {
        throw new IdempotencyKeyTaken(idempotency.key);
      }
      throw err;
    }
    if (rows.length === 0) throw new StreamVersionConflict(streamId, expectedVersion);
    if (!manager?.queryRunner) for (const listener of this.appendedListeners) listener();
    if (!one) rows.sort((a, b) => a.stream_version! - b.stream_version!);
    return {
      streamId,
      version: newVersion,
      events: rows.map((row, i) => ({
        eventId: ids[i],
        streamId,
        streamVersion: expectedVersion + i + 1,
        globalPosition: Number(row.global_position),
        transactionId: row.transaction_id,
        type: events[i].type,
        schemaVersion: events[i].schemaVersion ?? 1,
        data: events[i].data,
        metadata,
        recordedAt: row.recorded_at,
      })),
    };
  }

  /**
   * Runs `work` in one transaction (appends given its manager commit together or not at all)
   * and tells the onAppended listeners once it has committed.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    for (const listener of this.appendedListeners) listener();
    return result;
  }

  /**
   * Makes other writers of this stream that lock it too wait until the transaction ends: for
   * streams many commands contend for (a delivery slot), so they take turns instead of
   * failing on version conflicts.
   */
  async lockStream(streamId: string, manager: EntityManager): Promise<void> {
    await (await this.db(manager)).query({ ...STATEMENTS.lockStream, values: [streamId] });
  }

  /**
   * A stream's events in version order. For audits, `asOf` (a time) or `atPosition` (a global
   * position) keep only what had been recorded by then. `manager`: read inside that transaction.
   */
  async readStream(
    streamId: string,
    options: { fromVersion?: number; asOf?: Date | string; atPosition?: number } = {},
    manager?: EntityManager,
  ): Promise<StoredEvent[]> {
    const fromVersion = options.fromVersion ?? 1;
    const config =
      options.asOf || options.atPosition !== undefined
        ? { ...STATEMENTS.readStreamAsOf, values: [streamId, fromVersion, options.asOf ?? null, options.atPosition ?? null] }
        : { ...STATEMENTS.readStream, values: [streamId, fromVersion] };
    const { rows } = await (await this.db(manager)).query<EventRow>(config);
    return rows.map((row) => this.upcast(toStoredEvent(row)));
  }

  /**
   * The next committed events after `after`, in commit order. Only transactions older than
   * every transaction still open are visible, so an event that commits late is never
   * skipped: readers simply wait for it.
   */
  async readAll(after: LogPosition, limit: number, manager?: EntityManager): Promise<StoredEvent[]> {
    const { rows } = await (
      await this.db(manager)
    ).query<EventRow>({
      ...STATEMENTS.readAll,
      values: [after.transactionId, after.globalPosition, limit],
    });
    return rows.map((row) => this.upcast(toStoredEvent(row)));
  }

  private upcast(event: StoredEvent): StoredEvent {
    const chain = this.upcasters[event.type];
    if (!chain) return event;
    let { data, schemaVersion } = event;
    while (chain[schemaVersion]) data = chain[schemaVersion++](data);
    return { ...event, data, schemaVersion };
  }

  async findIdempotentReplay(key: string): Promise<IdempotentReplay | undefined> {
    const { rows } = await (
      await this.db()
    ).query<{ stream_id: string; stream_version: number; fingerprint: string }>({
      ...STATEMENTS.idempotency,
      values: [key],
    });
    const row = rows[0];
    return row ? { streamId: row.stream_id, version: row.stream_version, fingerprint: row.fingerprint } : undefined;
  }
}
