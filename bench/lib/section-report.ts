import type { StatementStat } from './context';
import { fmt, markdownTable, type PhaseResult, textTable } from './measure';
import type { ProfileSummary } from './profile';

/**
 * What a bench section needs to render its part of docs/benchmarks.md: the table type, the
 * target rows, the run's description and the tables several sections share. Each section keeps
 * its own report next to its code; lib/report.ts only frames them.
 */

/** The parts of the generated block, in their order; each can be measured on its own (BENCH_SECTIONS). */
export const SECTIONS = [
  'append',
  'read',
  'profile',
  'relay',
  'http',
  'notifications',
  'messaging',
  'planner',
  'locations',
  'kafka-clients',
  'auth',
  'console',
  'rider',
  'intake',
] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface TargetRow {
  section: SectionName;
  what: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
}

export type Table = { headers: string[]; rows: (string | number)[][] };

export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAvgStart: number[];
  loadAvgEnd?: number[];
}

/** The run as a section's text describes it: how it was started, on what, and for how long. */
export interface RunInfo {
  command: string;
  /** Set when a candidate EventStore was measured alongside (rows prefixed "cand."). */
  candidateLabel?: string;
  machine: MachineInfo;
  warmupSeconds: number;
  phaseSeconds: number;
}

/** A section's part of the report: its text, and the rows it adds to the targets table. */
export interface SectionReport<T> {
  render(data: T, run: RunInfo): string[];
  targets(data: T, run: RunInfo): TargetRow[];
}

export const printTable = (t: Table): string => textTable(t.headers, t.rows);
export const md = (t: Table): string => markdownTable(t.headers, t.rows);

export const cores = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n.toFixed(2) : '–');

const perEvent = (p: PhaseResult) => (p.items ? p.probeDeltas.walBytes / p.items : Number.NaN);

export function phaseTable(phases: [string, PhaseResult | undefined, number][], unit: string): Table {
  return {
    headers: [
      'phase',
      'conc.',
      'items/call',
      'calls/s',
      `${unit}/s`,
      'p50 ms',
      'p99 ms',
      'client CPU µs/call',
      'PG CPU µs/call',
      'WAL B/item',
      'other load (cores)',
      'errors',
    ],
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

/** Throughput rows of ours against a baseline, as the append and read sections judge them. */
export function ratioTarget(
  section: SectionName,
  what: string,
  ours: PhaseResult | undefined,
  base: PhaseResult | undefined,
  unit: string,
  target?: number,
): TargetRow[] {
  if (!ours || !base) return [];
  const ratio = ours.itemsPerSec / base.itemsPerSec;
  return [
    {
      section,
      what,
      ours: `${fmt.rate(ours.itemsPerSec)} ${unit}/s`,
      baseline: `${fmt.rate(base.itemsPerSec)} ${unit}/s`,
      ratio: fmt.ratio(ratio),
      target: target === undefined ? '(info)' : `≥ ${target.toFixed(2)}×`,
      met: target === undefined ? undefined : ratio >= target,
    },
  ];
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

/** Statements of one create-order window: how many each order causes, and what they cost. */
export function orderStatementsTable(statements: StatementStat[], orders: number): Table {
  const t = statementsTable(statements);
  t.headers.splice(2, 0, 'calls/order');
  t.rows.forEach((r, i) => r.splice(2, 0, orders ? (statements[i].calls / orders).toFixed(2) : '–'));
  return t;
}

export function inclusiveTable(p: ProfileSummary): Table {
  return {
    headers: ['function (inclusive)', 'share', 'µs/call'],
    rows: (p.inclusive ?? []).map((f) => [`\`${f.fn}\``, `${(f.share * 100).toFixed(1)}%`, fmt.us(f.usPerCall)]),
  };
}

export function profileTable(p: ProfileSummary): Table {
  return {
    headers: ['where (self time)', 'share', 'µs/call'],
    rows: p.categories.filter((c) => c.share >= 0.01).map((c) => [c.category, `${(c.share * 100).toFixed(0)}%`, fmt.us(c.usPerCall)]),
  };
}
