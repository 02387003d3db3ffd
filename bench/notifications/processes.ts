import { publicJwk, type SigningKey } from '@petalpost/auth';
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics, namespaced, TOPICS, type TopicSpec } from '@petalpost/contracts';
import type { BenchInfra } from '../lib/infra';
import { type BuiltService, productionEnv, runResources, startBuiltService } from '../lib/built-service';
import { track } from '../lib/child-process';
import { repoRoot } from '../lib/infra';
import type { ClientsReport, ClientSpec, ClientsRequest, ConnectResult, EventTable } from './clients-protocol';

/** The notifications service as `npm run build` builds it from this tree. */
export const NOTIFICATIONS_MAIN = join(repoRoot, 'dist', 'apps', 'notifications', 'src', 'main.js');

/** A WebSocket server under test, in a process of its own; `topic` is the orders.events topic it reads. */
export interface PushServer {
  url: string;
  pid: number;
  topic: string;
  /** Events written into the inboxes so far (the service: the `operator` inbox's head, which every event enters). */
  written?: () => Promise<number>;
  stop(): Promise<void>;
}

/** The orders.events topic of a namespace, and everything else of it when a service needs all. */
function namespaceTopics(namespace: string, all: boolean): { topics: TopicSpec[]; topic: string } {
  const topic = namespaced(TOPICS.ordersEvents.name, namespace);
  return { topics: all ? allTopics(namespace) : [{ ...TOPICS.ordersEvents, name: topic }], topic };
}

/**
 * The real notifications service, built, configured as in production (startBuiltService) with the
 * bench's own ES256 key trusted, on the bench's PostgreSQL (a schema of its own, migrated at start) and
 * broker (topics under its own namespace); ready means its consumers joined their groups and the
 * LISTEN connection is up.
 */
export async function startNotificationsService(
  infra: BenchInfra,
  options: { namespace: string; schema: string; signingKey: SigningKey; logLevel: string; entry: string },
): Promise<PushServer> {
  const { topics, topic } = namespaceTopics(options.namespace, true);
  const { cleanUp } = await runResources(infra, { topics, schemas: [options.schema] });
  let service: BuiltService;
  try {
    service = await startBuiltService({
      name: 'notifications',
      entry: options.entry,
      logName: options.schema.replace(/_/g, '-'),
      env: productionEnv(infra, { schema: options.schema, namespace: options.namespace, signingKey: options.signingKey, logLevel: options.logLevel }),
    });
  } catch (err) {
    await cleanUp();
    throw err;
  }
  const stop = () => service.stop().then(cleanUp);
  const written = async () => {
    const { rows } = await infra.pool.query(`SELECT coalesce(max(last_seq), 0) AS n FROM "${options.schema}".inbox_heads WHERE audience = 'operator'`);
    return Number(rows[0].n);
  };
  return { url: `${service.url.replace('http', 'ws')}/ws`, pid: service.pid, topic, written, stop };
}

/** The plain `ws` broadcast baseline (ws-broadcast.ts) on a topic of its own namespace. */
export async function startBroadcastBaseline(infra: BenchInfra, options: { namespace: string; signingKey: SigningKey }): Promise<PushServer> {
  const { topics, topic } = namespaceTopics(options.namespace, false);
  const { cleanUp } = await runResources(infra, { topics, schemas: [] });
  const child = fork(join(__dirname, 'ws-broadcast.js'), [], {
    execArgv: [],
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      BENCH_JWKS: JSON.stringify({ keys: [publicJwk(options.signingKey)] }),
      BENCH_BROKERS: infra.brokers.join(','),
      BENCH_TOPIC: topic,
      BENCH_GROUP: `${options.namespace}.broadcast`,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stopChild = track(child);
  const stop = () => stopChild().then(cleanUp);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the ws broadcast baseline was not ready within 60 s')), 60_000);
      child.once('message', (m: { port?: number }) => {
        clearTimeout(timer);
        if (m.port) resolve(m.port);
        else reject(new Error('the ws broadcast baseline reported no port'));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ws broadcast baseline exited (${code}) before listening`));
      });
    });
    return { url: `ws://127.0.0.1:${port}/ws`, pid: child.pid ?? 0, topic, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The load process (clients.ts): N WebSocket clients on worker threads. */
export class LoadProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly stopChild: () => Promise<void>,
  ) {}

  get pid(): number {
    return this.child.pid ?? 0;
  }

  static async start(): Promise<LoadProcess> {
    const child = fork(join(__dirname, 'clients.js'), [], {
      execArgv: [],
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const stopChild = track(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`the load process exited (${code}) before it was ready`)));
    });
    return new LoadProcess(child, stopChild);
  }

  private ask<T>(request: ClientsRequest, key: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the load process did not answer ${request.cmd} within ${timeoutMs / 1000} s`)), timeoutMs);
      const onMessage = (m: Record<string, unknown>) => {
        if ('error' in m) done(new Error(`load process: ${String(m.error)}`));
        else if (key in m) done(undefined, m[key] as T);
      };
      const onExit = (code: number | null) => done(new Error(`the load process exited (${code})`));
      const done = (err?: Error, value?: T) => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(request);
    });
  }

  connect(url: string, clients: ClientSpec[], workers: number, concurrency: number): Promise<ConnectResult> {
    return this.ask({ cmd: 'connect', url, clients, workers, concurrency }, 'connected', 180_000);
  }

  progress(): Promise<number> {
    return this.ask({ cmd: 'progress' }, 'progress', 30_000);
  }

  report(table: EventTable): Promise<ClientsReport> {
    return this.ask({ cmd: 'report', table }, 'report', 120_000);
  }

  async stop(): Promise<void> {
    if (this.child.connected) await this.ask({ cmd: 'close' }, 'closed', 30_000).catch(() => undefined);
    await this.stopChild();
  }
}

/** Resident set of a process (kB in /proc → bytes): now and its peak. */
export function residentBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}
