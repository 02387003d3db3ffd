import { randomUUID } from 'node:crypto';
import { DomainError, type EventMetadata } from '@petalpost/contracts';
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

/**
 * Per event type, functions that turn version n's data into version n + 1's. Events are never
 * rewritten in the log; readers see every event at its current version.
 */
export type Upcasters = Record<string, Record<number, (data: unknown) => unknown>>;

/**
 * Append and read one service's event log (tables of EventStore1764000000000 in the schema on
 * the connection's search_path). Appends are single statements: the stream's version check, the
 * events and the idempotency key commit together or not at all.
 */
export class EventStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly upcasters: Upcasters = {},
  ) {}

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
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    const versions = events.map((_, i) => expectedVersion + i + 1);
    const newVersion = expectedVersion + events.length;
    const idempotency = options.idempotency;
    // The stream upsert is the statement's first write, so the transaction id orders this
    // stream's appends the way their versions do (see docs/event-store.md, "append first").
    // A new stream is created; an existing one moves on only from the version the writer saw.
    const claimStream =
      expectedVersion === 0
        ? `INSERT INTO streams (stream_id, stream_type, version) SELECT $1, $2, $4 WHERE $3::int = 0
           ON CONFLICT (stream_id) DO NOTHING RETURNING version`
        : `UPDATE streams SET version = $4, updated_at = now() WHERE stream_id = $1 AND version = $3 AND stream_type = $2
           RETURNING version`;
    const sql = `
      WITH stream AS (${claimStream}
      ), appended AS (
        INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
        SELECT $1, e.version, e.event_id, e.type, e.schema_version, e.data, $9::jsonb
        FROM unnest($5::int[], $6::uuid[], $7::text[], $8::int[], $10::jsonb[])
             AS e(version, event_id, type, schema_version, data)
        WHERE EXISTS (SELECT 1 FROM stream)
        RETURNING ${EVENT_COLUMNS}
      ), remembered AS (
        INSERT INTO idempotency_keys (idempotency_key, fingerprint, stream_id, stream_version)
        SELECT $11, $12, $1, $4 WHERE $11::text IS NOT NULL AND EXISTS (SELECT 1 FROM stream)
      )
      SELECT * FROM appended ORDER BY stream_version`;
    let rows: EventRow[];
    try {
      rows = await manager.query(sql, [
        streamId,
        streamType,
        expectedVersion,
        newVersion,
        versions,
        events.map(() => randomUUID()),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion ?? 1),
        JSON.stringify(metadata),
        events.map((e) => JSON.stringify(e.data)),
        idempotency?.key ?? null,
        idempotency?.fingerprint ?? null,
      ]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION && idempotency && String((err as { constraint?: string }).constraint).startsWith('idempotency_keys')) {
        throw new IdempotencyKeyTaken(idempotency.key);
      }
      throw err;
    }
    if (rows.length === 0) throw new StreamVersionConflict(streamId, expectedVersion);
    return { streamId, version: newVersion, events: rows.map(toStoredEvent) };
  }

  /**
   * A stream's events in version order. For audits, `asOf` (a time) or `atPosition` (a global
   * position) keep only what had been recorded by then.
   */
  async readStream(streamId: string, options: { fromVersion?: number; asOf?: Date | string; atPosition?: number } = {}): Promise<StoredEvent[]> {
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE stream_id = $1 AND stream_version >= $2
         AND ($3::timestamptz IS NULL OR recorded_at <= $3)
         AND ($4::bigint IS NULL OR global_position <= $4)
       ORDER BY stream_version`,
      [streamId, options.fromVersion ?? 1, options.asOf ?? null, options.atPosition ?? null],
    );
    return rows.map((row) => this.upcast(toStoredEvent(row)));
  }

  /**
   * The next committed events after `after`, in commit order. Only transactions older than
   * every transaction still open are visible, so an event that commits late is never
   * skipped: readers simply wait for it.
   */
  async readAll(after: LogPosition, limit: number, manager: EntityManager = this.dataSource.manager): Promise<StoredEvent[]> {
    const rows: EventRow[] = await manager.query(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       -- Qualified: the bare names would sort by the text casts of the SELECT list ('10' < '9').
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3`,
      [after.transactionId, after.globalPosition, limit],
    );
    return rows.map((row) => this.upcast(toStoredEvent(row)));
  }

  /** The highest position allocated so far (including events not yet visible). */
  async headPosition(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT coalesce(max(global_position), 0) AS head FROM events`);
    return Number(row.head);
  }

  private upcast(event: StoredEvent): StoredEvent {
    const chain = this.upcasters[event.type];
    if (!chain) return event;
    let { data, schemaVersion } = event;
    while (chain[schemaVersion]) data = chain[schemaVersion++](data);
    return { ...event, data, schemaVersion };
  }

  async findIdempotentReplay(key: string): Promise<IdempotentReplay | undefined> {
    const [row] = await this.dataSource.query(
      `SELECT stream_id, stream_version, fingerprint FROM idempotency_keys WHERE idempotency_key = $1`,
      [key],
    );
    return row ? { streamId: row.stream_id, version: row.stream_version, fingerprint: row.fingerprint } : undefined;
  }
}
