import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { allTopics } from '@petalpost/contracts';
import {
  assertPortFree,
  type KafkaBroker,
  type PostgresHandle,
  redactUrl,
  type ServiceProcess,
  spawnService,
  startKafkaBroker,
  startPostgres,
  superviseService,
  type SupervisedService,
  waitUntilReady,
} from '@petalpost/infra';
import { createKafka, ensureTopics } from '@petalpost/kafka';
import { assertSupportedRuntime, ConfigError, createLogger, loadConfig } from '@petalpost/platform';
import pino from 'pino';
import { type Gateway, startGateway } from '../gateway/gateway';

import { type ApiReference, startApiReference } from './api-reference';
import { DEMO_PASSWORD, DEMO_PEOPLE, DEMO_SHOP, type DemoShop, seedDemoShop } from './demo';
import { rideDemoLoop, seedDemoDay } from './demo-day';
import { type ServiceName, SERVICES, servicePort, type StartConfig, startConfigSchema } from './start.config';

const repoRoot = join(__dirname, '..', '..', '..');
/** Where the console's build puts the single-page app. */
const consoleDir = join(repoRoot, 'dist', 'console');
/** Where the rider's app is built, served at /rider/. */
const riderDir = join(repoRoot, 'dist', 'rider');
const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `npm start`: real PostgreSQL and a real Kafka broker (given ones, or local ones), topics,
 * then the five services, which verify tokens against the accounts service's keys, then the gateway (the console
 * and the services on one origin); prints where to look; restarts a service that crashes, the others
 * running on; Ctrl-C stops everything it started, in order: gateway, services, Kafka, PostgreSQL.
 *
 * Each child runs in a process group of its own, so a terminal's Ctrl-C reaches this process
 * alone; SIGTERM and SIGHUP (the terminal closed) stop everything the same way.
 */
async function main(): Promise<void> {
  assertSupportedRuntime();
  const config = loadConfig(startConfigSchema);
  const dataDir = resolve(config.DATA_DIR ?? join(repoRoot, '.data'));
  const started = Date.now();
  // What was started, in order; `stopped` is said once it is stopped (PostgreSQL says so itself).
  const stack: Array<{ what: string; stop: () => Promise<void>; stopped?: string }> = [];
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (stack.length > 0) {
      say('\nstopping…');
      for (const { what, stop, stopped } of stack.reverse()) {
        await stop().then(
          () => stopped && say(`  ${stopped}`),
          (err: Error) => say(`  ${what}: ${err.message}`),
        );
      }
      say(`stopped; data kept in ${shown(dataDir)}/`);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  try {
    // Check every port first, so a conflict stops us before anything has started.
    for (const service of SERVICES) {
      const variable = `${service.toUpperCase()}_PORT`;
      await assertPortFree(servicePort(config, service), `set ${variable} to another port, or stop what uses it`);
    }
    await assertPortFree(config.REFERENCE_PORT, 'set REFERENCE_PORT to another port, or stop what uses it');
    await assertPortFree(config.GATEWAY_PORT, 'set GATEWAY_PORT to another port, or stop what uses it');
    await mkdir(join(dataDir, 'logs'), { recursive: true });

    const postgres = await provideDatabase(config, dataDir);
    if (postgres.embedded) stack.push({ what: 'postgres', stop: () => postgres.stop() });
    const broker = await provideKafka(config, dataDir);
    if (broker.stop) stack.push({ what: 'kafka', stop: broker.stop, stopped: 'kafka stopped' });

    const kafka = createKafka({ clientId: 'petalpost-start', brokers: broker.brokers, logger: createLogger('start', 'warn') });
    await ensureTopics(kafka, allTopics(config.KAFKA_NAMESPACE));
    say(`topics ready (${allTopics(config.KAFKA_NAMESPACE).length})`);

    const spawnOne = (name: ServiceName): ServiceProcess => {
      const url = `http://127.0.0.1:${servicePort(config, name)}`;
      const env: Record<string, string> = {
        PORT: String(servicePort(config, name)),
        HOST: '127.0.0.1',
        DATABASE_URL: postgres.url,
        KAFKA_BROKERS: broker.brokers.join(','),
        KAFKA_NAMESPACE: config.KAFKA_NAMESPACE,
        LOG_LEVEL: config.LOG_LEVEL,
        // Tokens are signed by the accounts service alone; every service verifies against its keys.
        AUTH_JWKS_URL: `http://127.0.0.1:${config.ACCOUNTS_PORT}/.well-known/jwks.json`,
        // The gateway, on loopback, names the client: sign-ins are throttled by the person's address, not by the gateway's.
        TRUSTED_PROXIES: '127.0.0.1',
        // Invitation links open the console, or a rider's the rider's app, on this gateway.
        ...(name === 'accounts'
          ? {
              ACCOUNTS_INVITATION_URL: `http://127.0.0.1:${config.GATEWAY_PORT}/invitation`,
              ACCOUNTS_RIDER_INVITATION_URL: `http://127.0.0.1:${config.GATEWAY_PORT}/rider/invitation`,
            }
          : {}),
      };
      return spawnService(name, join(repoRoot, 'dist', 'apps', name, 'src', 'main.js'), url, env, join(dataDir, 'logs', `${name}.log`));
    };
    const services = SERVICES.map((name) => spawnOne(name));
    const running: { services: Array<ServiceProcess | SupervisedService> } = { services };
    stack.push({ what: 'services', stop: () => Promise.all(running.services.map((s) => s.stop())).then(() => undefined), stopped: 'services stopped' });
    await Promise.all(services.map((s) => waitUntilReady(s)));

    // From here on, a service that exits is started again, and the others keep running.
    running.services = SERVICES.map((name, i) => superviseService(services[i], () => spawnOne(name), say));
    const reference = await startApiReference(services, '127.0.0.1', config.REFERENCE_PORT);
    stack.push({ what: 'api reference', stop: () => reference.close() });
    const gatewayLog = join(dataDir, 'logs', 'gateway.log');
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: config.GATEWAY_PORT,
      services: Object.fromEntries(services.map((s) => [s.name, s.url])) as Record<ServiceName, string>,
      consoleDir,
      riderDir,
      client: { tileUrl: config.TILE_URL, geocoderUrl: config.GEOCODER_URL },
      logger: createLogger('gateway', config.LOG_LEVEL, pino.destination({ dest: gatewayLog, append: true })),
    });
    // Stopped first: no browser reaches a service that is going away.
    stack.push({ what: 'gateway', stop: () => gateway.close(), stopped: 'gateway stopped' });
    const urlOf = (name: ServiceName) => services.find((s) => s.name === name)!.url;
    const demo = await seedDemoShop(urlOf('accounts'));
    if (config.DEMO_DAY) {
      const urls = { accounts: urlOf('accounts'), orders: urlOf('orders'), dispatch: urlOf('dispatch') };
      const day = await seedDemoDay(urls);
      say(day.made ? `demo day: ${day.orders} orders for today, the rider on shift` : "demo day: today's orders were made by an earlier start");
      const stopRiding = rideDemoLoop(urls);
      stack.push({ what: 'demo rider', stop: async () => stopRiding() });
    }
    printSummary(config, dataDir, services, reference, gateway, gatewayLog, demo, postgres, broker.brokers, (Date.now() - started) / 1000);
  } catch (err) {
    say(`\nnpm start failed: ${err instanceof ConfigError ? err.message : (err as Error).message}`);
    await shutdown(1);
  }
}

async function provideDatabase(config: StartConfig, dataDir: string): Promise<PostgresHandle> {
  if (!config.DATABASE_URL) await assertPortFree(config.POSTGRES_PORT, 'set POSTGRES_PORT to another port, or DATABASE_URL to use an existing server');
  const postgres = await startPostgres({
    databaseUrl: config.DATABASE_URL,
    dataDir: join(dataDir, 'postgres'),
    port: config.POSTGRES_PORT,
    database: 'petalpost',
    log: (line) => say(line),
  });
  say(`postgres ready: ${redactUrl(postgres.url)}${postgres.embedded ? ' (embedded)' : ''}`);
  return postgres;
}

async function provideKafka(config: StartConfig, dataDir: string): Promise<{ brokers: string[]; stop?: () => Promise<void> }> {
  if (config.KAFKA_BROKERS) {
    say(`kafka: using ${config.KAFKA_BROKERS}`);
    return { brokers: config.KAFKA_BROKERS.split(',') };
  }
  await assertPortFree(config.KAFKA_PORT, 'set KAFKA_PORT to another port, or KAFKA_BROKERS to use an existing cluster');
  await assertPortFree(config.KAFKA_CONTROLLER_PORT, 'set KAFKA_CONTROLLER_PORT to another port');
  const broker: KafkaBroker = await startKafkaBroker({
    cacheDir: join(repoRoot, '.cache'),
    dataDir: join(dataDir, 'kafka'),
    port: config.KAFKA_PORT,
    controllerPort: config.KAFKA_CONTROLLER_PORT,
    log: (line) => say(line),
  });
  return { brokers: broker.brokers, stop: () => broker.stop() };
}

function printSummary(
  config: StartConfig,
  dataDir: string,
  services: ServiceProcess[],
  reference: ApiReference,
  gateway: Gateway,
  gatewayLog: string,
  demo: DemoShop,
  postgres: PostgresHandle,
  brokers: string[],
  seconds: number,
): void {
  const notifications = services.find((s) => s.name === 'notifications')!;
  say('');
  say(`Petalpost is running (started in ${seconds.toFixed(1)} s, Node ${process.version})`);
  say('');
  const [owner, ...team] = DEMO_PEOPLE.filter((p) => !(p.roles as readonly string[]).includes('rider'));
  say(
    `  console        ${gateway.url}/   sign in as ${owner.email} (or ${team.map((p) => `${p.email.split('@')[0]}@…`).join(', ')}), password: ${DEMO_PASSWORD}`,
  );
  if (!existsSync(join(consoleDir, 'index.html'))) say(`                 (not built yet: build apps/console into ${shown(consoleDir)}/, then reload)`);
  const riders = DEMO_PEOPLE.filter((p) => (p.roles as readonly string[]).includes('rider'));
  say(`  rider app      ${gateway.url}/rider/   on a phone; sign in as ${riders.map((p) => p.email).join(', ')}, password: ${DEMO_PASSWORD}`);
  if (!existsSync(join(riderDir, 'index.html'))) say(`                 (not built yet: build apps/rider into ${shown(riderDir)}/, then reload)`);
  say(`                 logs: ${shown(gatewayLog)}`);
  say('');
  for (const s of services) say(`  ${s.name.padEnd(14)} ${s.url}   API docs: ${s.url}/docs   logs: ${shown(s.logFile)}`);
  say('');
  say(`  API reference  ${reference.url}   (the services' OpenAPI documents, requests tried through it)`);
  say(`  live updates   ${notifications.url.replace('http', 'ws')}/ws   (send {"type":"auth","token":"<token>"} first)`);
  say(`  kafka          ${brokers.join(',')}${config.KAFKA_NAMESPACE ? ` (namespace ${config.KAFKA_NAMESPACE})` : ''}`);
  say(`  postgres       ${redactUrl(postgres.url)}`);
  say('');
  const accounts = services.find((s) => s.name === 'accounts')!;
  say(`  demo shop      ${DEMO_SHOP.name} (${DEMO_SHOP.timeZone}), shop id ${demo.shopId}${demo.created ? ', made just now' : ''}`);
  say(`  sign in as     ${DEMO_PEOPLE.map((p) => p.email).join(', ')}`);
  say(`                 password: ${DEMO_PASSWORD}`);
  say(
    `  TOKEN=$(curl -s -X POST ${accounts.url}/sessions -H 'content-type: application/json' -d '{"email":"${DEMO_PEOPLE[0].email}","password":"${DEMO_PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
  );
  say(`  place order:   curl -X POST ${services[0].url}/orders -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`);
  say(
    `                   -d '{"items":[{"sku":"ROSE-12","name":"Twelve red roses","quantity":1}],"deliveryWindow":{"from":"2027-02-14T13:00:00+08:00","to":"2027-02-14T15:00:00+08:00"},"buyer":{"name":"Sam"},"recipient":{"name":"Alex","address":{"text":"上海市静安区南京西路 1 号"}}}'`,
  );
  say('\n  The services also trust the public development key (npm run token), on loopback only: never in production.');
  say('\nA service that exits is started again (after 1 s, doubling to 30 s while it keeps failing).');
  say(`Ctrl-C stops everything started here; data stays in ${shown(dataDir)}/ for the next start.`);
}

/** A path as the reader would type it: relative to where they are when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside || '.';
}

main().catch((err: unknown) => {
  say(`npm start failed: ${(err as Error).message}`);
  process.exit(1);
});
