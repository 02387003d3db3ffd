import { randomUUID } from 'node:crypto';
import type { EventStore } from '@petalpost/event-store';
import {
  type BenchContext,
  captureEventStoreSql,
  compare,
  type Contender,
  explainAnalyze,
  resetStatements,
  type StatementStat,
  topStatements,
} from './lib/context';
import { benchMetadata, newEvents, orderPlacedData, STREAM_TYPE, streamId } from './lib/fixtures';
import { type PhaseResult, say } from './lib/measure';

export interface AppendSection {
  phases: Record<string, PhaseResult>;
  explainNew: string;
  explainExisting: string;
  statements: StatementStat[];
}

const RAW_COLUMNS = '(stream_id, stream_version, event_id, type, schema_version, data, metadata)';

/** `INSERT INTO raw_events … VALUES (…), (…)` for n rows sharing one metadata parameter, as ours does. */
function rawInsertSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, i) => {
    const b = i * 6;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${rows * 6 + 1})`;
  });
  return `INSERT INTO raw_events ${RAW_COLUMNS} VALUES ${values.join(', ')}`;
}

function rawParams(rows: number): unknown[] {
  const stream = streamId();
  const params: unknown[] = [];
  for (let i = 0; i < rows; i++) params.push(stream, i + 1, randomUUID(), 'OrderPlaced', 1, JSON.stringify(orderPlacedData()));
  params.push(JSON.stringify(benchMetadata()));
  return params;
}

/** Streams a writer of the "existing stream" phases appends to, round robin, each with its version. */
const STREAMS_PER_WRITER = 32;

export async function appendSection(ctx: BenchContext): Promise<AppendSection> {
  const { store, infra } = ctx;
  const { pool } = infra;
  await resetStatements(infra);
  const raw1 = rawInsertSql(1);
  const raw10 = rawInsertSql(10);

  // Existing streams: 16 writers × 32 streams, created before the phases (not measured).
  const existing = Array.from({ length: 16 }, () => Array.from({ length: STREAMS_PER_WRITER }, () => ({ id: streamId(), version: 0 })));
  await Promise.all(
    existing.map(async (streams) => {
      for (const s of streams) s.version = (await store.append(s.id, STREAM_TYPE, 0, newEvents(1), benchMetadata())).version;
    }),
  );

  const newStream = (target: EventStore, n: number) => async () => {
    await target.append(streamId(), STREAM_TYPE, 0, newEvents(n), benchMetadata());
    return n;
  };
  const existingStream = (target: EventStore) => async (worker: number, seq: number) => {
    const s = existing[worker][seq % STREAMS_PER_WRITER];
    s.version = (await target.append(s.id, STREAM_TYPE, s.version, newEvents(1), benchMetadata())).version;
    return 1;
  };
  const oursNew = (n: number) => newStream(store, n);
  const oursExisting = existingStream(store);
  const candidate = ctx.candidate;
  const cand = (contenders: Contender[]) => contenders.filter(() => candidate !== undefined);
  const raw = (n: number, sql: string) => async () => {
    await pool.query(sql, rawParams(n));
    return n;
  };

  const phases: Record<string, PhaseResult> = {};
  // Each configuration interleaves its baseline and ours in short turns (see compare).
  for (const c of [1, 16]) {
    Object.assign(
      phases,
      await compare(ctx, c, [
        { key: `raw.single.c${c}`, name: 'raw INSERT, 1 row', op: raw(1, raw1) },
        { key: `ours.new.c${c}`, name: 'EventStore.append, 1 event, new stream (v0)', op: oursNew(1) },
        { key: `ours.existing.c${c}`, name: 'EventStore.append, 1 event, existing (vn)', op: oursExisting },
        ...cand([
          { key: `cand.new.c${c}`, name: `${candidate?.label}: 1 event, new stream`, op: newStream(candidate?.store ?? store, 1) },
          { key: `cand.existing.c${c}`, name: `${candidate?.label}: 1 event, existing`, op: existingStream(candidate?.store ?? store) },
        ]),
      ]),
    );
  }
  for (const c of [1, 16]) {
    Object.assign(
      phases,
      await compare(ctx, c, [
        { key: `raw.batch10.c${c}`, name: 'raw INSERT, 10 rows (multi-row)', op: raw(10, raw10) },
        { key: `ours.batch10.c${c}`, name: 'EventStore.append, 10 events, new stream', op: oursNew(10) },
        ...cand([{ key: `cand.batch10.c${c}`, name: `${candidate?.label}: 10 events, new stream`, op: newStream(candidate?.store ?? store, 10) }]),
      ]),
    );
  }
  const statements = await topStatements(infra);

  say('  EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement …');
  const sqlNew = await captureEventStoreSql(streamId(), 0);
  const target = existing[0][0];
  const sqlExisting = await captureEventStoreSql(target.id, target.version);
  const explainNew = await explainAnalyze(infra, sqlNew.append);
  const explainExisting = await explainAnalyze(infra, sqlExisting.append);
  return { phases, explainNew, explainExisting, statements };
}
