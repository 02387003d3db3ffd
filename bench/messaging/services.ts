import { generateSigningKey, type SigningKey } from '@petalpost/auth';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { allTopics, namespaced, TOPICS } from '@petalpost/contracts';
import { ORDERS_MAIN } from '../http/servers';
import { type BuiltService, productionEnv, runResources, startBuiltService } from '../lib/built-service';
import { type BenchInfra, repoRoot } from '../lib/infra';

/** The messaging service as `npm run build` builds it from this tree. */
export const MESSAGING_MAIN = join(repoRoot, 'dist', 'apps', 'messaging', 'src', 'main.js');

/** The orders and messaging services, wired to each other through one Kafka namespace. */
export interface ServicePair {
  orders: BuiltService;
  messaging: BuiltService;
  topics: { ordersEvents: string; messagingEvents: string };
  /** The key the bench signs tokens with; both services trust its public half. */
  signingKey: SigningKey;
  stop(): Promise<void>;
}

/**
 * The real orders and messaging services, built, each in a process of its own and configured as
 * in production (NODE_ENV=production, secrets of their own, both trusting the bench's ES256 key), on the bench's
 * PostgreSQL (a schema each, migrated at start) and broker (every topic under one namespace of
 * this run): messaging opens its conversations from the orders service's `orders.events`, as
 * deployed. Ready once both say so on /health/ready. JSON logs go to files, not through this process.
 */
export async function startServicePair(infra: BenchInfra, options: { messagingEntry: string; logLevel: string }): Promise<ServicePair> {
  const namespace = `bench-messaging-${process.pid}`;
  const suffix = infra.embeddedPostgres ? '' : `_${process.pid}`;
  const schemas = { orders: `bench_msg_orders${suffix}`, messaging: `bench_messaging${suffix}` };
  const { cleanUp } = await runResources(infra, { topics: allTopics(namespace), schemas: Object.values(schemas) });
  const signingKey = generateSigningKey();
  const shared = (schema: string) => productionEnv(infra, { schema, namespace, signingKey, logLevel: options.logLevel });
  const started = await Promise.allSettled([
    startService('orders', ORDERS_MAIN, { ...shared(schemas.orders), PERSONAL_DATA_KEY: randomBytes(32).toString('base64') }),
    // Nothing is uploaded; the storage directory goes with the bench's run directory.
    startService('messaging', options.messagingEntry, {
      ...shared(schemas.messaging),
      MESSAGING_STORAGE_DIR: join(repoRoot, '.data', `bench-${process.pid}`, 'attachments'),
    }),
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
    signingKey,
    stop,
  };
}

function startService(name: string, entry: string, env: Record<string, string>): Promise<BuiltService> {
  return startBuiltService({ name, entry, env, logName: `messaging-section-${name}` });
}
