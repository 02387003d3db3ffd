import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Wall-clock time in ms with sub-ms precision, comparable across processes on one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const say = (line: string): void => void process.stdout.write(`${line}\n`);

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export interface PhaseOptions {
  name: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Root PID of the local PostgreSQL server (postmaster): its tree's CPU is sampled. */
  serverPid?: number;
  /** Other local processes of the bench (e.g. the Kafka broker), not counted as "others". */
  trackedPids?: number[];
  /** Counters read at the start and end of the measured window (e.g. the WAL position). */
  probes?: Record<string, () => Promise<number>>;
}

/** What one measured window produced; several are merged into a PhaseResult. */
export interface Sample {
  name: string;
  concurrency: number;
  latencies: number[];
  items: number;
  errors: number;
  firstError?: string;
  seconds: number;
  selfCpuMs: number;
  serverCpuMs?: number;
  /** CPU the rest of the machine used (other users' processes, steal), ms. */
  othersCpuMs?: number;
  probeDeltas: Record<string, number>;
}

export interface PhaseResult {
  name: string;
  concurrency: number;
  /** Calls completed inside the measured windows. */
  calls: number;
  /** Items (events, rows, reads) those calls handled. */
  items: number;
  seconds: number;
  callsPerSec: number;
  itemsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  firstError?: string;
  /** CPU time of this Node process per call (µs). */
  clientCpuUsPerCall: number;
  /** CPU time of the PostgreSQL server processes per call (µs), when they are local and known. */
  serverCpuUsPerCall?: number;
  /** Cores busy with anything that is not the bench, PostgreSQL or the broker (noise). */
  otherCores?: number;
  loadAvg1: number;
  /** End minus start of each probe over the measured windows. */
  probeDeltas: Record<string, number>;
}

interface Snapshot {
  selfUs: number;
  serverMs?: number;
  trackedMs: number;
  machineMs?: number;
  probes: number[];
}

/**
 * Runs `op` in a closed loop on `concurrency` workers: `warmupMs` unmeasured, then `durationMs`
 * measured. A call counts when it completes inside the measured window; `op` returns how many
 * items it handled (events appended, rows read). CPU and probes are read at the window's edges.
 */
export async function runSlice(options: PhaseOptions, op: (worker: number, seq: number) => Promise<number>): Promise<Sample> {
  const { concurrency, warmupMs, durationMs } = options;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const latencies: number[] = [];
  let items = 0;
  let errors = 0;
  let firstError: string | undefined;
  const probes = Object.entries(options.probes ?? {});
  const snapshot = async (): Promise<Snapshot> => {
    const selfUs = process.cpuUsage();
    const serverMs = options.serverPid ? processTreeCpuMs(options.serverPid) : undefined;
    const trackedMs = (options.trackedPids ?? []).reduce((n, pid) => n + (processTreeCpuMs(pid) ?? 0), 0);
    const machineMs = machineBusyMs();
    const values = await Promise.all(probes.map(([, probe]) => probe().catch(() => Number.NaN)));
    return { selfUs: selfUs.user + selfUs.system, serverMs, trackedMs, machineMs, probes: values };
  };
  const at = (ms: number) => new Promise<Snapshot>((resolve) => setTimeout(() => resolve(snapshot()), ms));
  const snapshots = Promise.all([at(warmupMs), at(warmupMs + durationMs)]);

  const worker = async (w: number): Promise<void> => {
    for (let seq = 0; ; seq++) {
      const t0 = performance.now();
      if (t0 >= end) return;
      try {
        const n = await op(w, seq);
        const t1 = performance.now();
        if (t0 >= measureFrom && t1 <= end) {
          latencies.push(t1 - t0);
          items += n;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const [before, after] = await snapshots;
  const selfCpuMs = (after.selfUs - before.selfUs) / 1000;
  const serverCpuMs = after.serverMs !== undefined && before.serverMs !== undefined ? after.serverMs - before.serverMs : undefined;
  const othersCpuMs =
    after.machineMs !== undefined && before.machineMs !== undefined
      ? Math.max(0, after.machineMs - before.machineMs - selfCpuMs - (serverCpuMs ?? 0) - (after.trackedMs - before.trackedMs))
      : undefined;
  return {
    name: options.name,
    concurrency,
    latencies,
    items,
    errors,
    firstError,
    seconds: durationMs / 1000,
    selfCpuMs,
    serverCpuMs,
    othersCpuMs,
    probeDeltas: Object.fromEntries(probes.map(([name], i) => [name, after.probes[i] - before.probes[i]])),
  };
}

/** Merges the windows of one configuration into one result (rates over their total time). */
export function mergeSamples(samples: Sample[]): PhaseResult {
  const first = samples[0];
  const latencies = samples.flatMap((s) => s.latencies);
  const sorted = sortedCopy(latencies);
  const calls = latencies.length;
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const items = samples.reduce((n, s) => n + s.items, 0);
  const sum = (f: (s: Sample) => number | undefined): number | undefined =>
    samples.reduce<number | undefined>((n, s) => {
      const v = f(s);
      return n === undefined || v === undefined ? undefined : n + v;
    }, 0);
  const server = sum((s) => s.serverCpuMs);
  const others = sum((s) => s.othersCpuMs);
  const probeDeltas: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.probeDeltas)) probeDeltas[k] = (probeDeltas[k] ?? 0) + v;
  return {
    name: first.name,
    concurrency: first.concurrency,
    calls,
    items,
    seconds,
    callsPerSec: calls / seconds,
    itemsPerSec: items / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    errors: samples.reduce((n, s) => n + s.errors, 0),
    firstError: samples.find((s) => s.firstError)?.firstError,
    clientCpuUsPerCall: calls ? (samples.reduce((n, s) => n + s.selfCpuMs, 0) * 1000) / calls : Number.NaN,
    serverCpuUsPerCall: server !== undefined && calls ? (server * 1000) / calls : undefined,
    otherCores: others !== undefined ? others / 1000 / seconds : undefined,
    loadAvg1: loadavg()[0],
    probeDeltas,
  };
}

export async function runPhase(options: PhaseOptions, op: (worker: number, seq: number) => Promise<number>): Promise<PhaseResult> {
  return mergeSamples([await runSlice(options, op)]);
}

const USER_HZ = 100;

/**
 * User + system CPU (ms) of a local process and all its descendants, from /proc: live ones, plus
 * the root's reaped children (cutime/cstime), so backends that exit keep counting.
 */
export function processTreeCpuMs(rootPid: number): number | undefined {
  try {
    const parentOf = new Map<number, number>();
    const cpuOf = new Map<number, number>();
    let reaped = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // Fields after the command name (which may contain spaces): rest[0] is field 3 (state).
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      parentOf.set(pid, Number(rest[1]));
      cpuOf.set(pid, Number(rest[11]) + Number(rest[12]));
      if (pid === rootPid) reaped = Number(rest[13]) + Number(rest[14]);
    }
    if (!cpuOf.has(rootPid)) return undefined;
    let total = reaped;
    for (const [pid, cpu] of cpuOf) {
      for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf.get(p)) {
        if (p === rootPid) {
          total += cpu;
          break;
        }
      }
    }
    return (total / USER_HZ) * 1000;
  } catch {
    return undefined;
  }
}

/** CPU time (ms) the whole machine spent busy (all cores, including steal), from /proc/stat. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system + irq + softirq + (steal || 0)) / USER_HZ) * 1000;
  } catch {
    return undefined;
  }
}

/** A fixed-width text table for the terminal. */
export function textTable(headers: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function markdownTable(headers: string[], rows: (string | number)[][]): string {
  const out = [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) out.push(`| ${r.map(String).join(' | ')} |`);
  return out.join('\n');
}

export const fmt = {
  rate: (n: number): string => (Number.isFinite(n) ? (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1)) : '–'),
  ms: (n: number): string => (Number.isFinite(n) ? (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) : '–'),
  // Small ratios keep a third decimal: 0.004× is not 0.00×.
  ratio: (n: number): string => (Number.isFinite(n) ? `${n.toFixed(n < 0.095 ? 3 : 2)}×` : '–'),
  us: (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? Math.round(n).toString() : '–'),
};

/** Count, median, p99 and maximum of a set of durations (or any values). */
export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function distribution(values: number[]): Distribution {
  const sorted = sortedCopy(values);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN };
}

/** "p50 / p99" of a distribution, in ms. */
export const p50p99 = (d: Distribution): string => `${fmt.ms(d.p50)} / ${fmt.ms(d.p99)}`;
