import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePorts, resetDatabase, startKafkaBroker, startPostgres, type KafkaBroker, type PostgresHandle } from '@petalpost/infra';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { assertSupportedRuntime } from '@petalpost/platform';
import { ensureChromium } from './chromium';
import { TEST_DATABASE_URL, TEST_KAFKA_BROKERS } from './test-infra';

const repoRoot = join(__dirname, '..', '..', '..');
const log = (message: string) => process.stderr.write(`[test infra] ${message}\n`);

declare global {
  var petalpostTestInfra: { broker?: KafkaBroker; postgres?: PostgresHandle; dataDir?: string } | undefined;
}

/** Each run gets its own folder, so two runs at once (two terminals, two worktrees) never collide. */
const runDir = join(repoRoot, '.data', `test-run-${process.pid}`);

/**
 * Starts one real Kafka broker and one PostgreSQL database for the whole run (unless given),
 * and fails the run, naming which, when either cannot be reached.
 */
export default async function globalSetup(): Promise<void> {
  // A run on another Node major would test a runtime we do not ship: stop before starting anything.
  assertSupportedRuntime();
  globalThis.petalpostTestInfra = { dataDir: runDir };
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const started = Date.now();
  // End-to-end tests run the built services as processes: build them fresh (swc, about a second).
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  // Browser tests (the customer's tracking page) drive Debian's Chromium: install it on a fresh machine.
  ensureChromium();
  // Taken together, so PostgreSQL, the broker and its controller never get the same port.
  const [postgresPort, kafkaPort, controllerPort] = await freePorts(3);
  const [postgresUrl, brokers] = await Promise.all([providePostgres(postgresPort), provideKafka(kafkaPort, controllerPort)]);
  process.env[TEST_DATABASE_URL] = postgresUrl;
  process.env[TEST_KAFKA_BROKERS] = brokers.join(',');
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: kafka ${brokers.join(',')}, postgres ${postgresUrl.replace(/:[^:@/]*@/, ':***@')}`);
}

async function providePostgres(port: number): Promise<string> {
  const given = process.env[TEST_DATABASE_URL];
  try {
    if (given) {
      await resetDatabase(given);
      return given;
    }
    const postgres = await startPostgres({
      dataDir: join(runDir, 'postgres'),
      port,
      database: 'petalpost_test',
      log,
      // Test data is thrown away: durability only costs time here.
      postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    });
    globalThis.petalpostTestInfra!.postgres = postgres;
    await resetDatabase(postgres.url);
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    await client.end();
    return postgres.url;
  } catch (err) {
    throw new Error(`PostgreSQL for the tests is unavailable: ${(err as Error).message}`);
  }
}

async function provideKafka(port: number, controllerPort: number): Promise<string[]> {
  const given = process.env[TEST_KAFKA_BROKERS];
  try {
    if (given) {
      const brokers = given.split(',');
      const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2 } }).admin();
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return brokers;
    }
    const dataDir = join(runDir, 'kafka');
    await mkdir(dataDir, { recursive: true });
    const broker = await startKafkaBroker({
      cacheDir: join(repoRoot, '.cache'),
      dataDir,
      port,
      controllerPort,
      log,
    });
    globalThis.petalpostTestInfra!.broker = broker;
    return broker.brokers;
  } catch (err) {
    throw new Error(`Kafka for the tests is unavailable: ${(err as Error).message}`);
  }
}
