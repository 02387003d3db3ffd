import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from '../lib/measure';
import type { ClientsReport, ClientsRequest, ConnectResult, LatencySummary, WorkerReport } from './clients-protocol';

/**
 * The load process of the notifications bench: N WebSocket clients spread over worker threads, in
 * a process of its own so that the server under test, the bench (appends, relay) and the clients
 * are separate processes whose CPU is sampled apart. Talks to the bench over IPC, one answer per
 * request: connect → connected, progress → progress, report → report, close → closed.
 */
let workers: Worker[] = [];

function ask<T>(worker: Worker, message: unknown, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (key in m) {
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m[key] as T);
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(message);
  });
}

async function handle(request: ClientsRequest): Promise<Record<string, unknown>> {
  switch (request.cmd) {
    case 'connect': {
      const shares = Array.from({ length: request.workers }, (_, w) => request.clients.filter((_, i) => i % request.workers === w));
      workers = shares.map(
        (clients) =>
          new Worker(join(__dirname, 'clients-worker.js'), {
            workerData: { url: request.url, clients, concurrency: Math.max(1, Math.ceil(request.concurrency / request.workers)) },
          }),
      );
      const results = await Promise.all(workers.map((w) => ask<ConnectResult>(w, { cmd: 'connect' }, 'connected')));
      const connected: ConnectResult = {
        connected: results.reduce((n, r) => n + r.connected, 0),
        failed: results.reduce((n, r) => n + r.failed, 0),
        firstError: results.find((r) => r.firstError)?.firstError,
        seconds: Math.max(...results.map((r) => r.seconds)),
      };
      return { connected };
    }
    case 'progress': {
      const counts = await Promise.all(workers.map((w) => ask<number>(w, { cmd: 'progress' }, 'progress')));
      return { progress: counts.reduce((n, c) => n + c, 0) };
    }
    case 'report': {
      const parts = await Promise.all(workers.map((w) => ask<WorkerReport>(w, { cmd: 'report', table: request.table }, 'report')));
      return { report: merge(parts) };
    }
    case 'close': {
      await Promise.all(workers.map((w) => ask<boolean>(w, { cmd: 'close' }, 'closed')));
      await Promise.all(workers.map((w) => w.terminate()));
      workers = [];
      return { closed: true };
    }
  }
}

function summary(sortedParts: Float64Array[]): LatencySummary {
  const total = sortedParts.reduce((n, p) => n + p.length, 0);
  const all = new Float64Array(total);
  let at = 0;
  for (const part of sortedParts) {
    all.set(part, at);
    at += part.length;
  }
  all.sort();
  return { count: total, p50: percentile(all, 50), p90: percentile(all, 90), p99: percentile(all, 99), max: total ? all[total - 1] : Number.NaN };
}

function merge(parts: WorkerReport[]): ClientsReport {
  const sum = (f: (r: WorkerReport) => number) => parts.reduce((n, r) => n + f(r), 0);
  const sliceCount = Math.max(0, ...parts.map((r) => r.slices.length));
  const otherFrames: Record<string, number> = {};
  for (const r of parts) for (const [type, n] of Object.entries(r.otherFrames)) otherFrames[type] = (otherFrames[type] ?? 0) + n;
  return {
    receipts: sum((r) => r.receipts),
    receiptsInWindow: sum((r) => r.receiptsInWindow),
    expected: sum((r) => r.expected),
    missing: sum((r) => r.missing),
    clientsMissing: sum((r) => r.clientsMissing),
    duplicates: sum((r) => r.duplicates),
    misrouted: sum((r) => r.misrouted),
    unknown: sum((r) => r.unknown),
    otherFrames,
    dropped: sum((r) => r.dropped),
    firstDrop: parts.find((r) => r.firstDrop)?.firstDrop,
    latency: summary(parts.map((r) => r.latencies)),
    slices: Array.from({ length: sliceCount }, (_, i) => summary(parts.flatMap((r) => (r.slices[i] ? [r.slices[i]] : [])))),
  };
}

process.on('message', (request: ClientsRequest) => {
  handle(request)
    .then((answer) => process.send?.(answer))
    .catch((err: unknown) => process.send?.({ error: (err as Error).message }));
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
