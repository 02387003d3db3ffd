import { randomUUID } from 'node:crypto';
import type { EventMetadata } from '@petalpost/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventStore } from './event-store';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import type { StoredEvent } from './stored-event';
import type { Logger } from 'pino';

/**
 * A tiny projection for the runner's tests: per stream, how many events it has seen, plus a log
 * of every event applied. Deliberately not idempotent (it counts), so an event applied twice
 * shows up as a wrong count and a repeated row.
 */
export const COUNTER_TABLES = `
  CREATE TABLE stream_counters (stream_id text PRIMARY KEY, events integer NOT NULL, last_version integer NOT NULL);
  CREATE INDEX stream_counters_by_version ON stream_counters (last_version);
  CREATE TABLE applied_events (event_id uuid NOT NULL, stream_id text NOT NULL, stream_version integer NOT NULL);
  CREATE INDEX applied_events_by_stream ON applied_events (stream_id, stream_version);`;

export interface CounterHooks {
  /** Runs inside the batch's transaction after its rows were written, before the checkpoint moves. */
  afterWrite?(events: StoredEvent[], db: EntityManager, tables: Record<string, string>): Promise<void>;
}

export function counterProjection(hooks: CounterHooks = {}, name = 'counters'): Projection {
  return {
    name,
    version: 1,
    tables: ['stream_counters', 'applied_events'],
    async handle(events, db, tables) {
      await db.query(
        `INSERT INTO "${tables.applied_events}" (event_id, stream_id, stream_version)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])`,
        [events.map((e) => e.eventId), events.map((e) => e.streamId), events.map((e) => e.streamVersion)],
      );
      await db.query(
        `INSERT INTO "${tables.stream_counters}" AS c (stream_id, events, last_version)
         SELECT stream_id, count(*), max(version) FROM unnest($1::text[], $2::int[]) AS e(stream_id, version) GROUP BY stream_id
         ON CONFLICT (stream_id) DO UPDATE SET events = c.events + EXCLUDED.events, last_version = greatest(c.last_version, EXCLUDED.last_version)`,
        [events.map((e) => e.streamId), events.map((e) => e.streamVersion)],
      );
      await hooks.afterWrite?.(events, db, tables);
    },
  };
}

export const counterMetadata: EventMetadata = { correlationId: 'c-projection', occurredAt: '2026-02-14T10:00:00.000Z' };

/** Appends `eventsPerStream` events to each of `streams` new streams, one event per append. */
export async function appendToNewStreams(store: EventStore, streams: number, eventsPerStream: number): Promise<string[]> {
  const ids = Array.from({ length: streams }, () => `s-${randomUUID()}`);
  for (let v = 0; v < eventsPerStream; v++) {
    await Promise.all(ids.map((id) => store.append(id, 'counter', v, [{ type: 'Counted', data: { n: v + 1 } }], counterMetadata)));
  }
  return ids;
}

/** Appends in a loop (a few writers, each on its own streams) until stopped; resolves with how many it appended. */
export function appendContinuously(store: EventStore, writers = 4): { stop(): Promise<number> } {
  let running = true;
  let appended = 0;
  const loops = Array.from({ length: writers }, async () => {
    const stream = `w-${randomUUID()}`;
    for (let version = 0; running; version++) {
      await store.append(stream, 'counter', version, [{ type: 'Counted', data: { n: version + 1 } }], counterMetadata);
      appended++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return appended;
    },
  };
}

/** Runs the projection from the start of the log into fresh copies of its tables: what a rebuild from zero gives. */
export async function projectFromZero(
  dataSource: DataSource,
  store: EventStore,
  projection: Projection,
  logger: Logger,
  suffix = '__check',
): Promise<Record<string, string>> {
  const tables = Object.fromEntries(projection.tables.map((t) => [t, `${t}${suffix}`]));
  for (const [live, copy] of Object.entries(tables)) {
    await dataSource.query(`DROP TABLE IF EXISTS "${copy}"`);
    await dataSource.query(`CREATE TABLE "${copy}" (LIKE "${live}" INCLUDING ALL)`);
  }
  await dataSource.query(`DELETE FROM checkpoints WHERE processor_id = $1`, [`${projection.name}${suffix}`]);
  const runner = new ProjectionRunner(dataSource, store, projection, { logger, checkpointId: `${projection.name}${suffix}`, tables, batchSize: 1000 });
  while ((await runner.step()).read > 0);
  return tables;
}

/** The counters' rows, comparable across tables. */
export async function counterRows(
  db: DataSource | EntityManager,
  tables: Record<string, string> = { stream_counters: 'stream_counters', applied_events: 'applied_events' },
) {
  const counters = await db.query(`SELECT stream_id, events, last_version FROM "${tables.stream_counters}" ORDER BY stream_id`);
  const applied = await db.query(`SELECT event_id, stream_id, stream_version FROM "${tables.applied_events}" ORDER BY event_id`);
  return { counters, applied };
}

/**
 * Every event in the log applied exactly once: one applied row per event, no repeats, and each
 * stream's counter equals its version.
 */
export async function expectExactlyOnce(db: DataSource, tables?: Record<string, string>): Promise<void> {
  const { counters, applied } = await counterRows(db, tables);
  const events: Array<{ event_id: string; stream_id: string; stream_version: number }> = await db.query(
    `SELECT event_id, stream_id, stream_version FROM events ORDER BY event_id`,
  );
  expect(applied).toEqual(events);
  const streams: Array<{ stream_id: string; version: number }> = await db.query(`SELECT stream_id, version FROM streams ORDER BY stream_id`);
  expect(counters).toEqual(streams.map((s) => ({ stream_id: s.stream_id, events: s.version, last_version: s.version })));
}
