import { randomUUID } from 'node:crypto';
import type { EventStore, StoredEvent } from '@petalpost/event-store';
import { type BenchContext, captureEventStoreSql, compare, explainAnalyze, resetStatements, type StatementStat, topStatements } from './lib/context';
import { benchMetadata, orderPlacedData } from './lib/fixtures';
import { type PhaseResult, say } from './lib/measure';

export interface ReadSection {
  phases: Record<string, PhaseResult>;
  streams: number;
  eventsPerStream: number;
  explain: string;
  statements: StatementStat[];
}

const STREAMS = 2000;
const EVENTS_PER_STREAM = 10;

interface OrderState {
  version: number;
  events: number;
  lastType?: string;
}

/** A trivial evolve: what every command pays to rebuild state, minus the domain logic. */
const evolve = (state: OrderState, event: StoredEvent): OrderState => ({ version: event.streamVersion, events: state.events + 1, lastType: event.type });

export async function readSection(ctx: BenchContext): Promise<ReadSection> {
  const { store, infra } = ctx;
  const { pool } = infra;

  // 2000 streams of 10 events, written version by version across all streams (as a live log
  // interleaves them), straight in SQL: this is a fixture for reads, not a measurement.
  say(`  writing ${STREAMS} streams × ${EVENTS_PER_STREAM} events to read …`);
  const ids = Array.from({ length: STREAMS }, () => `order-${randomUUID()}`);
  await pool.query(
    `WITH s AS (INSERT INTO streams (stream_id, stream_type, version) SELECT unnest($1::text[]), 'order', ${EVENTS_PER_STREAM})
     INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
     SELECT sid, v, gen_random_uuid(), 'OrderPlaced', 1, $2::jsonb, $3::jsonb
       FROM generate_series(1, ${EVENTS_PER_STREAM}) v CROSS JOIN unnest($1::text[]) sid
      ORDER BY v`,
    [ids, JSON.stringify(orderPlacedData()), JSON.stringify(benchMetadata())],
  );
  await pool.query(`VACUUM ANALYZE events`);
  await pool.query(`VACUUM ANALYZE raw_events`);
  const { rows } = await pool.query(`SELECT min(id)::int AS lo, max(id)::int AS hi FROM raw_events`);
  const lo = Number(rows[0].lo);
  const span = Number(rows[0].hi) - lo + 1;
  if (!(span > 0)) throw new Error('raw_events is empty: the read section needs the append section first');

  const rawText = `SELECT id, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at FROM raw_events WHERE id = $1`;
  const pick = () => ids[Math.floor(Math.random() * STREAMS)];
  const readAndFold = (target: EventStore) => async () => {
    const events = await target.readStream(pick());
    const state = events.reduce(evolve, { version: 0, events: 0 });
    if (state.version !== EVENTS_PER_STREAM) throw new Error(`folded version ${state.version}`);
    return 1;
  };
  const ours = readAndFold(store);
  const candidate = ctx.candidate;
  const raw = async () => {
    const result = await pool.query({ name: 'pk', text: rawText, values: [lo + Math.floor(Math.random() * span)] });
    if (result.rows.length !== 1) throw new Error('no row');
    return 1;
  };

  await resetStatements(infra);
  const phases: Record<string, PhaseResult> = {};
  for (const c of [1, 16]) {
    Object.assign(
      phases,
      await compare(ctx, c, [
        { key: `raw.pk.c${c}`, name: 'raw PK read, named prepared (pg)', op: raw },
        { key: `ours.read.c${c}`, name: `readStream (${EVENTS_PER_STREAM} events) + fold`, op: ours },
        ...(candidate ? [{ key: `cand.read.c${c}`, name: `${candidate.label}: readStream + fold`, op: readAndFold(candidate.store) }] : []),
      ]),
    );
  }
  const statements = await topStatements(infra);
  const captured = await captureEventStoreSql(ids[0], EVENTS_PER_STREAM);
  const explain = await explainAnalyze(infra, captured.readStream);
  return { phases, streams: STREAMS, eventsPerStream: EVENTS_PER_STREAM, explain, statements };
}
