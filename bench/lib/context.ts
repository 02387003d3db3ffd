import { EventStore, type OutboxRelay } from '@petalpost/event-store';
import type { DataSource } from 'typeorm';
import { benchMetadata, newEvents, STREAM_TYPE } from './fixtures';
import type { BenchInfra } from './infra';
import { fmt, mergeSamples, type PhaseOptions, type PhaseResult, runPhase, runSlice, type Sample, say } from './measure';

export interface BenchContext {
  infra: BenchInfra;
  store: EventStore;
  warmupMs: number;
  durationMs: number;
  /**
   * A proposed EventStore (BENCH_CANDIDATE: a built module exporting EventStore, e.g. from a
   * scratch copy of the repo), measured in the same turns as the current one.
   */
  candidate?: Candidate;
}

export interface Candidate {
  label: string;
  store: EventStore;
  /** BENCH_CANDIDATE_RELAY: a built module exporting OutboxRelay; the relay section then runs candidate store + relay. */
  Relay?: typeof OutboxRelay;
}

function phaseOptions(ctx: BenchContext, name: string, concurrency: number, overrides: Partial<PhaseOptions> = {}): PhaseOptions {
  const { infra } = ctx;
  return {
    name,
    concurrency,
    warmupMs: ctx.warmupMs,
    durationMs: ctx.durationMs,
    serverPid: infra.postgresPid,
    trackedPids: infra.brokerPid ? [infra.brokerPid] : [],
    probes: { walBytes: () => walPosition(infra) },
    ...overrides,
  };
}

const progress = (r: PhaseResult): string =>
  `${fmt.rate(r.itemsPerSec)}/s  p50 ${fmt.ms(r.p50Ms)} ms  p99 ${fmt.ms(r.p99Ms)} ms` +
  (r.otherCores !== undefined && r.otherCores >= 0.1 ? `  [other load ${r.otherCores.toFixed(2)} cores]` : '') +
  (r.errors ? `  (${r.errors} errors: ${r.firstError})` : '');

/** One measured phase with the context's timing, CPU sampling and WAL probe, and a progress line. */
export async function phase(
  ctx: BenchContext,
  name: string,
  concurrency: number,
  op: (worker: number, seq: number) => Promise<number>,
  overrides: Partial<PhaseOptions> = {},
): Promise<PhaseResult> {
  process.stdout.write(`  ${name.padEnd(46)} c=${String(concurrency).padEnd(3)} … `);
  const result = await runPhase(phaseOptions(ctx, name, concurrency, overrides), op);
  say(progress(result));
  return result;
}

export interface Contender {
  key: string;
  name: string;
  op: (worker: number, seq: number) => Promise<number>;
}

/**
 * Measures contenders at one concurrency on a shared machine fairly: each warms up once, then
 * they take turns in `rounds` short windows (A B, B A, A B, …) adding up to the phase length, so
 * load from elsewhere and drift fall on all of them alike.
 */
export async function compare(ctx: BenchContext, concurrency: number, contenders: Contender[], rounds = 4): Promise<Record<string, PhaseResult>> {
  const samples: Record<string, Sample[]> = Object.fromEntries(contenders.map((c) => [c.key, []]));
  for (const c of contenders) await runSlice(phaseOptions(ctx, c.name, concurrency, { warmupMs: ctx.warmupMs, durationMs: 0 }), c.op);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) {
      samples[c.key].push(await runSlice(phaseOptions(ctx, c.name, concurrency, { warmupMs: 100, durationMs: ctx.durationMs / rounds }), c.op));
    }
  }
  const results: Record<string, PhaseResult> = {};
  for (const c of contenders) {
    results[c.key] = mergeSamples(samples[c.key]);
    say(`  ${c.name.padEnd(46)} c=${String(concurrency).padEnd(3)} … ${progress(results[c.key])}`);
  }
  return results;
}

/** The server's WAL insert position in bytes: its difference over a window is the WAL written. */
export async function walPosition(infra: BenchInfra): Promise<number> {
  const { rows } = await infra.pool.query(`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::float8 AS pos`);
  return Number(rows[0].pos);
}

export interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

/**
 * The exact SQL and parameters EventStore sends, captured without touching the library: append
 * takes an EntityManager and readStream uses the DataSource, so both are handed a recorder.
 */
export async function captureEventStoreSql(
  streamIdValue: string,
  expectedVersion: number,
  events = 1,
): Promise<{ append: CapturedQuery; readStream: CapturedQuery }> {
  const captured: CapturedQuery[] = [];
  // The store sends named statements to the pg pool it finds on the DataSource's driver.
  const recorder = {
    query: async (config: { text: string; values: unknown[] }) => {
      captured.push({ sql: config.text, parameters: config.values });
      return { rows: [] };
    },
  };
  const store = new EventStore({ driver: { master: recorder } } as unknown as DataSource);
  await store.append(streamIdValue, STREAM_TYPE, expectedVersion, newEvents(events), benchMetadata()).catch(() => undefined); // no rows back: a "conflict"
  await store.readStream(streamIdValue);
  return { append: captured[0], readStream: captured[1] };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS, WAL) of a statement, inside a transaction that is rolled back; the
 * second of two runs, so the catalog caches of the connection are warm as in steady state.
 */
export async function explainAnalyze(infra: BenchInfra, query: CapturedQuery): Promise<string> {
  const client = await infra.pool.connect();
  try {
    let plan = '';
    for (let i = 0; i < 2; i++) {
      await client.query('BEGIN');
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, WAL, TIMING, SUMMARY) ${query.sql}`, query.parameters);
      plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      await client.query('ROLLBACK');
    }
    return plan;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
  }
}

export interface StatementStat {
  query: string;
  calls: number;
  /** Planning time per call (statements planned once and reused cost ~0 here). */
  meanPlanMs: number;
  meanExecMs: number;
  rowsPerCall: number;
  sharedHitPerCall: number;
  sharedDirtiedPerCall: number;
  walBytesPerCall: number;
  walFpiPerCall: number;
}

export async function resetStatements(infra: BenchInfra): Promise<void> {
  if (infra.statStatements) await infra.pool.query(`SELECT public.pg_stat_statements_reset()`);
}

/** pg_stat_statements of this database's busiest statements since the last reset. */
export async function topStatements(infra: BenchInfra, limit = 8): Promise<StatementStat[]> {
  if (!infra.statStatements) return [];
  const { rows } = await infra.pool.query(
    `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls,
            total_plan_time / calls AS mean_plan,
            mean_exec_time AS mean_exec, rows::float8 / calls AS rows_per_call,
            shared_blks_hit::float8 / calls AS hit, shared_blks_dirtied::float8 / calls AS dirtied,
            wal_bytes::float8 / calls AS wal_bytes, wal_fpi::float8 / calls AS wal_fpi
       FROM public.pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND calls >= 100
        AND query NOT LIKE '%pg_current_wal_insert_lsn%' -- the bench's own WAL probe
      ORDER BY total_exec_time + total_plan_time DESC
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    query: String(r.query),
    calls: Number(r.calls),
    meanPlanMs: Number(r.mean_plan),
    meanExecMs: Number(r.mean_exec),
    rowsPerCall: Number(r.rows_per_call),
    sharedHitPerCall: Number(r.hit),
    sharedDirtiedPerCall: Number(r.dirtied),
    walBytesPerCall: Number(r.wal_bytes),
    walFpiPerCall: Number(r.wal_fpi),
  }));
}
