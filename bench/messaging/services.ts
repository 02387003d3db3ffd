import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { allTopics, namespaced, TOPICS } from '@petalpost/contracts';
import { freePort, waitUntilReady } from '@petalpost/infra';
import { createKafka, ensureTopics } from '@petalpost/kafka';
import { createLogger } from '@petalpost/platform';
import { ORDERS_MAIN } from '../http/servers';
import { track } from '../lib/child-process';
import { type BenchInfra, repoRoot } from '../lib/infra';

/** The messaging service as `npm run build` builds it from this tree. */
export const MESSAGING_MAIN = join(repoRoot, 'dist', 'apps', 'messaging', 'src', 'main.js');

export interface ServiceUnderTest {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The orders and messaging services, wired to each other through one Kafka namespace. */
export interface ServicePair {
  orders: ServiceUnderTest;
  messaging: ServiceUnderTest;
  topics: { ordersEvents: string; messagingEvents: string };
  /** What both services verify tokens with, and the bench signs them with. */
  jwtSecret: string;
  stop(): Promise<void>;
}

/**
 * The real orders and messaging services, built, each in a process of its own and configured as
 * in production (NODE_ENV=production, secrets of their own, the same JWT secret), on the bench's
 * PostgreSQL (a schema each, migrated at start) and broker (every topic under one namespace of
 * this run): messaging opens its conversations from the orders service's `orders.events`, as
 * deployed. Ready once both say so on /health/ready. JSON logs go to files, not through this process.
 */
export async function startServicePair(infra: BenchInfra, options: { messagingEntry: string; logLevel: string }): Promise<ServicePair> {
  const namespace = `bench-messaging-${process.pid}`;
  const suffix = infra.embeddedPostgres ? '' : `_${process.pid}`;
  const schemas = { orders: `bench_msg_orders${suffix}`, messaging: `bench_messaging${suffix}` };
  const kafka = createKafka({ clientId: 'petalpost-bench', brokers: infra.brokers, logger: createLogger('bench', 'warn') });
  const specs = allTopics(namespace);
  await ensureTopics(kafka, specs);
  // Given (not started here) servers keep nothing of the run.
  const cleanUp = async () => {
    if (!infra.embeddedPostgres) for (const schema of Object.values(schemas)) await infra.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    if (!infra.embeddedKafka) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: specs.map((t) => t.name) }).finally(() => admin.disconnect());
    }
  };
  const jwtSecret = randomBytes(32).toString('base64url');
  const shared = (schema: string): Record<string, string> => ({
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: options.logLevel,
    HOST: '127.0.0.1',
    DATABASE_URL: infra.databaseUrl,
    DATABASE_SCHEMA: schema,
    KAFKA_BROKERS: infra.brokers.join(','),
    KAFKA_NAMESPACE: namespace,
  });
  const started = await Promise.allSettled([
    startService('orders', ORDERS_MAIN, { ...shared(schemas.orders), PERSONAL_DATA_KEY: randomBytes(32).toString('base64') }),
    // Nothing is uploaded; the storage directory goes with the bench's run directory.
    startService('messaging', options.messagingEntry, { ...shared(schemas.messaging), MESSAGING_STORAGE_DIR: join(repoRoot, '.data', `bench-${process.pid}`, 'attachments') }),
  ]);
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    for (const s of running.reverse()) await s.stop();
    await cleanUp();
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const [orders, messaging] = running;
  return {
    orders,
    messaging,
    topics: { ordersEvents: namespaced(TOPICS.ordersEvents.name, namespace), messagingEvents: namespaced(TOPICS.messagingEvents.name, namespace) },
    jwtSecret,
    stop,
  };
}

async function startService(name: string, entry: string, env: Record<string, string>): Promise<ServiceUnderTest> {
  const port = await freePort();
  const logDir = join(repoRoot, '.data', 'bench-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `messaging-section-${name}.log`);
  const log = openSync(logFile, 'w');
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [entry], { env: { ...env, PORT: String(port) }, stdio: ['ignore', log, log] });
  closeSync(log);
  const stop = track(child);
  try {
    await waitUntilReady({ name, url, logFile, child, stop }, 90_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, url, pid: child.pid ?? 0, stop };
}
