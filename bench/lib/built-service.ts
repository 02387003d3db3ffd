import { publicJwk, type SigningKey } from '@petalpost/auth';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { TopicSpec } from '@petalpost/contracts';
import { freePort, waitUntilReady } from '@petalpost/infra';
import { createKafka, ensureTopics } from '@petalpost/kafka';
import { createLogger } from '@petalpost/platform';
import { track } from './child-process';
import { type BenchInfra, repoRoot } from './infra';

/** Where the services' JSON logs go: one file per service and section, overwritten each run. */
export const BENCH_LOG_DIR = join(repoRoot, '.data', 'bench-logs');

export interface BuiltService {
  name: string;
  url: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Creates a run's topics; the returned clean-up removes them and the run's schemas again from a
 * broker or a database the bench did not start (what the bench started goes with its data).
 */
export async function runResources(infra: BenchInfra, options: { topics: TopicSpec[]; schemas: string[] }): Promise<{ cleanUp: () => Promise<void> }> {
  const kafka = createKafka({ clientId: 'petalpost-bench', brokers: infra.brokers, logger: createLogger('bench', 'warn') });
  await ensureTopics(kafka, options.topics);
  const cleanUp = async () => {
    if (!infra.embeddedPostgres) for (const schema of options.schemas) await infra.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    if (!infra.embeddedKafka) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: options.topics.map((t) => t.name) }).finally(() => admin.disconnect());
    }
  };
  return { cleanUp };
}

/** A service's settings as in production, on the bench's database (`schema`) and broker (`namespace`). */
export function productionEnv(
  infra: BenchInfra,
  options: { schema: string; namespace: string; signingKey: SigningKey; logLevel: string },
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    // The bench's own key, trusted inline: as in production, no service holds a signing key.
    AUTH_JWKS: JSON.stringify({ keys: [publicJwk(options.signingKey)] }),
    LOG_LEVEL: options.logLevel,
    DATABASE_URL: infra.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    KAFKA_BROKERS: infra.brokers.join(','),
    KAFKA_NAMESPACE: options.namespace,
  };
}

/**
 * A service as `npm run build` built it (`entry`), in a process of its own on 127.0.0.1, ready once
 * /health/ready says so. Its JSON logs go straight to a file descriptor rather than through a pipe
 * to the bench, so writing them costs the service, as in production, and not the load generator.
 * `preload`: modules required before the entry (node -r). `port`: one chosen beforehand, for a
 * service whose settings name its own address (the accounts service trusts its own JWKS URL).
 */
export async function startBuiltService(options: {
  name: string;
  entry: string;
  env: Record<string, string>;
  logName: string;
  preload?: string[];
  port?: number;
}): Promise<BuiltService> {
  const { name, entry, env, logName, preload = [] } = options;
  const port = options.port ?? (await freePort());
  mkdirSync(BENCH_LOG_DIR, { recursive: true });
  const logFile = join(BENCH_LOG_DIR, `${logName}.log`);
  const log = openSync(logFile, 'w');
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...preload.flatMap((module) => ['-r', module]), entry], {
    env: { PATH: process.env.PATH ?? '', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const stop = track(child);
  try {
    await waitUntilReady({ name, url, logFile, child, stop }, 90_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { name, url, pid: child.pid ?? 0, logFile, stop };
}
