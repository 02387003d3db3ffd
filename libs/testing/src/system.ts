import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, type ServiceProcess, spawnService, waitUntilReady } from '@petalpost/infra';
import { uniqueName } from './test-database';
import { testInfra } from './test-infra';

const repoRoot = join(__dirname, '..', '..', '..');

export type { ServiceProcess };

/**
 * Runs a built service (dist/apps/<name>/src/main.js, compiled by global setup) as its own
 * process against the run's Kafka and Postgres, and waits until it is ready — the way
 * `npm start` runs it. The accounts service verifies the tokens it issues against its own
 * /.well-known/jwks.json, as it does deployed, unless `env` names another AUTH_JWKS_URL.
 */
export async function startServiceProcess(
  name: 'orders' | 'dispatch' | 'messaging' | 'notifications' | 'accounts',
  env: { KAFKA_NAMESPACE: string } & Record<string, string>,
): Promise<ServiceProcess> {
  const { kafkaBrokers, databaseUrl } = testInfra();
  // A caller that must know the port beforehand (a service naming its own URL) gives it as PORT.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const logDir = join(repoRoot, '.data', 'test-logs');
  await mkdir(logDir, { recursive: true });
  const service = spawnService(
    name,
    join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'),
    `http://127.0.0.1:${port}`,
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: uniqueName(name),
      KAFKA_BROKERS: kafkaBrokers.join(','),
      ...(name === 'accounts' ? { AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json` } : {}),
      ...env,
    },
    join(logDir, `${name}-${port}.log`),
  );
  try {
    await waitUntilReady(service, 60_000);
  } catch (err) {
    await service.stop();
    throw err;
  }
  return service;
}
