import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { machineBusyMs, percentile, processTreeCpuMs, sortedCopy } from '../lib/measure';

/** One HTTP endpoint under load, and what a correct answer from it looks like. */
export interface HttpTarget {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  expectStatus: number;
  /** Every response body is checked; one that fails counts as an error. */
  verifyBody(body: string): boolean;
}

export interface HttpWindowOptions {
  connections: number;
  /** Unmeasured start of the window: connections open, the server's caches settle after a switch. */
  warmupMs: number;
  durationMs: number;
  /** The server process (its tree's CPU is sampled). */
  serverPid: number;
  /** Other processes the request depends on (PostgreSQL, the broker): sampled apart from "other load". */
  backendPids: number[];
}

/** What one load window produced; several are merged into an HttpResult. */
export interface HttpSample {
  latencies: number[];
  responses: number;
  /** Responses that passed the checks, over the whole window, warm-up included. */
  ok: number;
  /** Responses with another status than expected, or a body that failed the check, and connection errors — over the whole window, warm-up included. */
  errors: number;
  firstError?: string;
  seconds: number;
  loadGenCpuMs: number;
  serverCpuMs?: number;
  backendCpuMs?: number;
  othersCpuMs?: number;
}

export interface HttpResult {
  /** Responses inside the measured windows. */
  responses: number;
  seconds: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Over all windows, warm-ups included, like `ok`. */
  errors: number;
  firstError?: string;
  ok: number;
  connections: number;
  /** CPU of the server process per response (µs). */
  serverCpuUsPerReq?: number;
  /** Cores the server process kept busy: near 1.0 means it, not the load generator, was the limit. */
  serverCores?: number;
  /** CPU of PostgreSQL and the broker per response (µs), for the real service. */
  backendCpuUsPerReq?: number;
  /** CPU of the load generator (this process) per response (µs). */
  loadGenCpuUsPerReq: number;
  /** Cores busy with anything that is not the bench, the server or its backends (noise). */
  otherCores?: number;
}

/**
 * Runs autocannon against `target` for warm-up + duration with a fixed number of connections
 * (closed loop: each connection sends its next request when the last answer is in), checking
 * every response's status and body, and samples CPU at the edges of the measured part.
 */
export async function loadWindow(target: HttpTarget, options: HttpWindowOptions): Promise<HttpSample> {
  const { warmupMs, durationMs } = options;
  const latencies: number[] = [];
  let responses = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastStatus = 0;
  const snapshot = () => {
    const self = process.cpuUsage();
    return {
      selfMs: (self.user + self.system) / 1000,
      serverMs: processTreeCpuMs(options.serverPid),
      backendMs: options.backendPids.reduce<number | undefined>((n, pid) => {
        const ms = processTreeCpuMs(pid);
        return n === undefined || ms === undefined ? undefined : n + ms;
      }, 0),
      machineMs: machineBusyMs(),
      at: performance.now(),
    };
  };
  let before: ReturnType<typeof snapshot> | undefined;
  const beforeTimer = setTimeout(() => (before = snapshot()), warmupMs);

  let finish: (err: Error | null) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
  const instance = autocannon(
    {
      url: target.url,
      method: target.method,
      headers: target.headers,
      body: target.body,
      connections: options.connections,
      duration: (warmupMs + durationMs) / 1000,
      timeout: 10,
      // autocannon ends a run at its next sample tick: a short interval keeps the windows to their length.
      sampleInt: 100,
      // Each response's status and body are checked. autocannon emits 'response' and then calls
      // verifyBody for the same response synchronously, so the status seen last is this body's.
      verifyBody: (body) => {
        const text = String(body ?? '');
        const passed = lastStatus === target.expectStatus && target.verifyBody(text);
        if (passed) ok++;
        else {
          errors++;
          firstError ??= `HTTP ${lastStatus}: ${text.slice(0, 300)}`;
        }
        return passed;
      },
    },
    (err: Error | null) => finish(err),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    lastStatus = statusCode;
    if (before) {
      responses++;
      latencies.push(responseTime);
    }
  });
  instance.on('reqError', (err: Error) => {
    errors++;
    firstError ??= `connection: ${err.message}`;
  });
  await finished;
  clearTimeout(beforeTimer);
  const after = snapshot();
  const start = before ?? after;
  const seconds = (after.at - start.at) / 1000;
  const loadGenCpuMs = after.selfMs - start.selfMs;
  const serverCpuMs = after.serverMs !== undefined && start.serverMs !== undefined ? after.serverMs - start.serverMs : undefined;
  const backendCpuMs = after.backendMs !== undefined && start.backendMs !== undefined ? after.backendMs - start.backendMs : undefined;
  const othersCpuMs =
    after.machineMs !== undefined && start.machineMs !== undefined
      ? Math.max(0, after.machineMs - start.machineMs - loadGenCpuMs - (serverCpuMs ?? 0) - (backendCpuMs ?? 0))
      : undefined;
  return { latencies, responses, ok, errors, firstError, seconds, loadGenCpuMs, serverCpuMs, backendCpuMs, othersCpuMs };
}

/** Merges the windows of one contender (rates over their total measured time); warm-ups count only for the checks. */
export function mergeHttpSamples(samples: HttpSample[], connections: number, warmups: HttpSample[] = []): HttpResult {
  const sorted = sortedCopy(samples.flatMap((s) => s.latencies));
  const seconds = samples.reduce((n, s) => n + s.seconds, 0);
  const responses = samples.reduce((n, s) => n + s.responses, 0);
  const sum = (f: (s: HttpSample) => number | undefined): number | undefined =>
    samples.reduce<number | undefined>((n, s) => {
      const v = f(s);
      return n === undefined || v === undefined ? undefined : n + v;
    }, 0);
  const server = sum((s) => s.serverCpuMs);
  const backend = sum((s) => s.backendCpuMs);
  const others = sum((s) => s.othersCpuMs);
  const perReq = (ms: number | undefined) => (ms !== undefined && responses ? (ms * 1000) / responses : undefined);
  return {
    responses,
    seconds,
    requestsPerSec: responses / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
    errors: [...warmups, ...samples].reduce((n, s) => n + s.errors, 0),
    firstError: [...warmups, ...samples].find((s) => s.firstError)?.firstError,
    ok: [...warmups, ...samples].reduce((n, s) => n + s.ok, 0),
    connections,
    serverCpuUsPerReq: perReq(server),
    serverCores: server !== undefined ? server / 1000 / seconds : undefined,
    backendCpuUsPerReq: perReq(backend),
    loadGenCpuUsPerReq: perReq(samples.reduce((n, s) => n + s.loadGenCpuMs, 0)) ?? Number.NaN,
    otherCores: others !== undefined ? others / 1000 / seconds : undefined,
  };
}
