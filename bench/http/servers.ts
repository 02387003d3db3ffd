import { generateSigningKey, type SigningKey } from '@petalpost/auth';
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { allTopics } from '@petalpost/contracts';
import type { BenchInfra } from '../lib/infra';
import { track } from '../lib/child-process';
import { BENCH_LOG_DIR, type BuiltService, productionEnv, runResources, startBuiltService } from '../lib/built-service';
import { repoRoot } from '../lib/infra';
import type { Profile } from '../lib/profile';

/**
 * A server under test, in a process of its own. On a 2-core machine the load generator (this
 * process) and the server each need a core: a server in this process would share autocannon's
 * event loop, and every request's client work would be billed to the server. Child processes let
 * the kernel give each its core, and let the bench sample each one's CPU apart.
 */
export interface HttpServer {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Forks one of the hello-world entries beside this file (built into dist/bench/http/) and waits for its port. */
export async function startHelloServer(name: string, entry: 'fastify-hello' | 'nest-hello', args: string[] = []): Promise<HttpServer> {
  const child = fork(join(__dirname, `${entry}.js`), args, {
    execArgv: [],
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = track(child);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not listen within 30 s`)), 30_000);
      child.once('message', (m: { port?: number }) => {
        clearTimeout(timer);
        if (m.port) resolve(m.port);
        else reject(new Error(`${name} reported no port`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before listening`));
      });
    });
    return { name, url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface OrdersService extends HttpServer {
  schema: string;
  /** The key the bench signs its tokens with; the service trusts its public half. */
  signingKey: SigningKey;
  /** V8's CPU profile of the service while `run` runs (see cpu-profile-hook.ts). */
  profileDuring<T>(run: () => Promise<T>): Promise<{ result: T; profile: Profile }>;
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** The orders service as `npm run build` builds it from this tree. */
export const ORDERS_MAIN = join(repoRoot, 'dist', 'apps', 'orders', 'src', 'main.js');

/**
 * The real orders service, built (`entry`, normally ORDERS_MAIN) and configured as in production
 * (startBuiltService), with secrets of its own (so the development ones are refused, as they would
 * be), on the bench's PostgreSQL (schema `bench_orders`) and broker (topics under its own
 * namespace). The only addition is cpu-profile-hook.js, preloaded, idle until the bench asks for a
 * profile.
 */
export async function startOrdersService(infra: BenchInfra, entry: string, logLevel: string): Promise<OrdersService> {
  const namespace = `bench-http-${process.pid}`;
  const schema = infra.embeddedPostgres ? 'bench_orders' : `bench_orders_${process.pid}`;
  const { cleanUp } = await runResources(infra, { topics: allTopics(namespace), schemas: [schema] });
  const profileFile = join(BENCH_LOG_DIR, 'orders-http.cpuprofile');
  const clearProfile = () => [profileFile, `${profileFile}.started`, `${profileFile}.tmp`].forEach((f) => rmSync(f, { force: true }));
  clearProfile();
  const signingKey = generateSigningKey();
  let service: BuiltService;
  try {
    service = await startBuiltService({
      name: 'orders',
      entry,
      logName: 'orders-http',
      preload: [join(__dirname, 'cpu-profile-hook.js')],
      env: {
        ...productionEnv(infra, { schema, namespace, signingKey, logLevel }),
        PERSONAL_DATA_KEY: randomBytes(32).toString('base64'),
        BENCH_CPU_PROFILE_FILE: profileFile,
      },
    });
  } catch (err) {
    await cleanUp();
    throw err;
  }
  const { url, pid } = service;
  const stop = () => service.stop().then(cleanUp);
  const profileDuring = async <T>(run: () => Promise<T>): Promise<{ result: T; profile: Profile }> => {
    clearProfile();
    process.kill(pid, 'SIGWINCH');
    await waitForFile(`${profileFile}.started`, 10_000);
    const result = await run();
    process.kill(pid, 'SIGWINCH');
    await waitForFile(profileFile, 30_000);
    const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
    clearProfile();
    return { result, profile };
  };
  return { name: 'orders', url, pid, stop, schema, signingKey, profileDuring };
}
