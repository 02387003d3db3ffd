import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { machineBusyMs, processTreeCpuMs } from '../lib/measure';

export interface Answer {
  status: number;
  body: string;
}

/** A keep-alive HTTP/1.1 client, one socket per worker: lighter on a shared core than fetch. */
export class HttpClient {
  private readonly agent: Agent;

  constructor(sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(url: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
    const payload = JSON.stringify(body);
    return new Promise<Answer>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within 30 s: POST ${url}`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One answered request: when it was sent and answered (performance.now()), and the key of the event it should put on Kafka. */
export interface Accepted {
  key: string;
  sentAt: number;
  answeredAt: number;
}

/** The processes whose CPU a window samples at its edges (ms of CPU, from /proc). */
export interface CpuPids {
  ordersService: number;
  messagingService: number;
  postgres?: number;
  broker?: number;
}

export interface CpuDelta {
  ordersService?: number;
  messagingService?: number;
  postgres?: number;
  broker?: number;
  bench: number;
  machine?: number;
}

export interface PostWindow {
  /** The measured part: [from, to] in performance.now() ms. */
  from: number;
  to: number;
  /** Every accepted request of the window, its unmeasured start included. */
  accepted: Accepted[];
  errors: number;
  firstError?: string;
  cpu: CpuDelta;
}

/** Sends one request; resolves to the key of the event it should cause, or throws (a refusal, a timeout). */
export type PostOp = (worker: number) => Promise<string>;

/** CPU ms so far, per process; a window's CpuDelta is two of them subtracted. */
type CpuSnapshot = CpuDelta;

function snapshot(pids: CpuPids): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    ordersService: processTreeCpuMs(pids.ordersService),
    messagingService: processTreeCpuMs(pids.messagingService),
    postgres: pids.postgres ? processTreeCpuMs(pids.postgres) : undefined,
    broker: pids.broker ? processTreeCpuMs(pids.broker) : undefined,
    bench: (self.user + self.system) / 1000,
    machine: machineBusyMs(),
  };
}

const delta = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined ? b - a : undefined);

/**
 * Closed loop: `concurrency` workers each send their next request when the last is answered, for
 * `warmupMs` unmeasured and then `durationMs` measured; nothing is sent after that, and what is in
 * flight is awaited. CPU is read at the edges of the measured part.
 */
export async function postWindow(op: PostOp, options: { concurrency: number; warmupMs: number; durationMs: number; pids: CpuPids }): Promise<PostWindow> {
  const start = performance.now();
  const from = start + options.warmupMs;
  const to = from + options.durationMs;
  const accepted: Accepted[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const at = (ms: number) => new Promise<CpuSnapshot>((resolve) => setTimeout(() => resolve(snapshot(options.pids)), ms));
  const edges = Promise.all([at(options.warmupMs), at(options.warmupMs + options.durationMs)]);
  const worker = async (w: number) => {
    while (performance.now() < to) {
      const sentAt = performance.now();
      try {
        const key = await op(w);
        accepted.push({ key, sentAt, answeredAt: performance.now() });
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const [a, b] = await edges;
  return {
    from,
    to,
    accepted,
    errors,
    firstError,
    cpu: {
      ordersService: delta(a.ordersService, b.ordersService),
      messagingService: delta(a.messagingService, b.messagingService),
      postgres: delta(a.postgres, b.postgres),
      broker: delta(a.broker, b.broker),
      bench: b.bench - a.bench,
      machine: delta(a.machine, b.machine),
    },
  };
}
