import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventStore, type OutboxRelay } from '@petalpost/event-store';
import { assertSupportedRuntime } from '@petalpost/platform';
import type { DataSource } from 'typeorm';
import { type AppendSection, appendSection } from './append';
import { type BenchContext, type Candidate, phase } from './lib/context';
import { benchMetadata, newEvents, STREAM_TYPE, streamId } from './lib/fixtures';
import { repoRoot, startBenchInfra } from './lib/infra';
import { type HttpSection, httpSection } from './http/http';
import { say } from './lib/measure';
import { type MessagingSection, messagingSection } from './messaging/messaging';
import { renderPlannerSection, runPlannerBench } from './planner/planner-bench';
import { locationsSection } from './dispatch/locations';
import { riderSection } from './dispatch/rider';
import { riderTable } from './dispatch/rider-report';
import { intakeSection } from './intake/intake';
import { intakeCsvTable, intakeHttpTable, intakeMeituanTable, intakeWebhookTable } from './intake/intake-report';
import { kafkaClientsSection, kafkaClientsTable } from './kafka-clients';
import { type NotificationsSection, notificationsSection } from './notifications/notifications';
import { profiled, type ProfileSummary } from './lib/profile';
import { appendTable } from './append-report';
import { authSection } from './auth/auth';
import { consoleSection } from './console/console';
import { consoleTable, liveTable } from './console/console-report';
import { bundleTable } from './lib/bundle';
import { authHttpSignInTable, authRoutesTable, authTable } from './auth/auth-report';
import { locationsTable } from './dispatch/locations-report';
import { httpTable } from './http/http-report';
import { messagingTable } from './messaging/messaging-report';
import { notificationsTable } from './notifications/notifications-report';
import { readTable } from './read-report';
import { relayTable } from './relay-report';
import { type BenchRun, targets, targetsTable, writeMarkdown } from './lib/report';
import { inclusiveTable, orderStatementsTable, printTable, profileTable, statementsTable } from './lib/section-report';
import { type ReadSection, readSection } from './read';
import { type RelaySection, relaySection } from './relay';

/**
 * `npm run bench`: the event store, the HTTP stack, the notifications fan-out and messaging against baselines in one run. Starts its own
 * PostgreSQL (production durability) and Kafka broker unless BENCH_DATABASE_URL /
 * BENCH_KAFKA_BROKERS are given, prints a table per section and rewrites the sections it measured
 * in docs/benchmarks.md (the others are kept, saying which run they come from).
 *
 * Knobs: BENCH_SECTIONS=append,read,profile,relay,http,notifications,messaging,planner,locations,kafka-clients,auth,console,rider,intake  BENCH_PHASE_SECONDS=8  BENCH_WARMUP_SECONDS=2
 * BENCH_RELAY_RATES=500,2000  BENCH_HTTP_CONNECTIONS=16  BENCH_HTTP_LOG_LEVEL=info  BENCH_HTTP_EXPRESS=0
 * BENCH_HTTP_PROFILE=0  BENCH_HTTP_ORDERS_MAIN=<another build of the orders service>
 * BENCH_NOTIFY_CLIENTS=1000,5000  BENCH_NOTIFY_RATE=200  BENCH_NOTIFY_SECONDS=20  BENCH_NOTIFY_WARMUP_SECONDS=3
 * BENCH_NOTIFY_SHOPS=10  BENCH_NOTIFY_WORKERS=2  BENCH_NOTIFY_LOG_LEVEL=info  BENCH_NOTIFY_MAIN=<another build of the notifications service>
 * BENCH_MESSAGING_SECONDS=20  BENCH_MESSAGING_WARMUP_SECONDS=3  BENCH_MESSAGING_CONCURRENCY=16  BENCH_MESSAGING_CONVERSATIONS=200
 * BENCH_MESSAGING_LOG_LEVEL=info  BENCH_MESSAGING_MAIN=<another build of the messaging service>
 * BENCH_PLANNER_SIZES=20,50,100,200  BENCH_PLANNER_SEEDS=1,2,3  BENCH_PLANNER_CITY_MS=1500  BENCH_PLANNER_SOLOMON_MS=2000
 * BENCH_LOCATIONS_RIDERS=200  BENCH_LOCATIONS_CONCURRENCY=16  BENCH_LOCATIONS_MAIN=<another build of the dispatch service>
 * BENCH_KAFKA_CLIENTS_SECONDS=6  BENCH_KAFKA_CLIENTS_RELAY_RATE=500
 * BENCH_AUTH_SECONDS=2  BENCH_AUTH_VERIFY_CONCURRENCY=1,8  BENCH_AUTH_ARGON2_CONCURRENCY=1,2,4  BENCH_AUTH_SIGN_IN_CONCURRENCY=1,4 (empty: none)
 * BENCH_ACCOUNTS_LOG_LEVEL=info  BENCH_ACCOUNTS_MAIN=<another build of the accounts service>
 * BENCH_CONSOLE_ORDERS=500  BENCH_CONSOLE_BASELINE_ORDERS=20  BENCH_CONSOLE_RUNS=5  BENCH_CONSOLE_LIVE_ORDERS=10
 * BENCH_RIDER_PHONES=16  BENCH_RIDER_BATCH=10  BENCH_RIDER_SECONDS=4  BENCH_RIDER_WARMUP_SECONDS=1  BENCH_RIDER_MAIN=<another build of the dispatch service>
 * BENCH_INTAKE_ROWS=10000  BENCH_INTAKE_UPLOAD_MB=200 (0: no large upload)  BENCH_INTAKE_CONCURRENCY=16  BENCH_INTAKE_SECONDS=8  BENCH_INTAKE_ORDERS_MAIN=<another build of the orders service>
 * BENCH_DOCS=<file> (or 0 to write nothing)
 */
const env = process.env;
const sections = new Set(
  (env.BENCH_SECTIONS ?? 'append,read,profile,relay,http,notifications,messaging,planner,locations,kafka-clients,auth,console,rider,intake')
    .split(',')
    .map((s) => s.trim()),
);
const phaseSeconds = Number(env.BENCH_PHASE_SECONDS ?? 8);
const warmupSeconds = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const docsFile = env.BENCH_DOCS ?? join(repoRoot, 'docs', 'benchmarks.md');

async function main(): Promise<void> {
  assertSupportedRuntime();
  const started = performance.now();
  const model = cpus()[0]?.model ?? 'unknown';
  const machine = {
    cpus: cpus().length,
    model,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    kernel: release(),
    loadAvgStart: loadavg(),
  } as BenchRun['machine'];
  say(
    `petalpost bench — ${machine.cpus} × ${model}, ${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, load ${machine.loadAvgStart.map((x) => x.toFixed(2)).join(' ')}`,
  );
  say(`phases: ${warmupSeconds} s warm-up + ${phaseSeconds} s measured; sections: ${[...sections].join(', ')}`);

  say('\n[infra] starting PostgreSQL and Kafka …');
  const infra = await startBenchInfra();
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('[infra] stopping …');
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(130));
  process.on('SIGTERM', () => void stop(143));
  say(
    `[infra] PostgreSQL ${infra.serverVersion}, Kafka ${infra.kafkaVersion}, pool ${infra.poolSize}; ` +
      `fdatasync 8 kB p50 ${infra.fsyncMs.p50.toFixed(2)} ms, p99 ${infra.fsyncMs.p99.toFixed(2)} ms`,
  );

  const ctx: BenchContext = {
    infra,
    store: new EventStore(infra.dataSource),
    warmupMs: warmupSeconds * 1000,
    durationMs: phaseSeconds * 1000,
    candidate: loadCandidate(infra.dataSource),
  };
  if (ctx.candidate) say(`[candidate] ${ctx.candidate.label}: ${env.BENCH_CANDIDATE}${ctx.candidate.Relay ? ` + ${env.BENCH_CANDIDATE_RELAY}` : ''}`);
  const run: BenchRun = {
    date: execFileSync('date', ['-u']).toString().trim(),
    command: [
      ...[
        'BENCH_SECTIONS',
        'BENCH_PHASE_SECONDS',
        'BENCH_WARMUP_SECONDS',
        'BENCH_RELAY_RATES',
        'BENCH_HTTP_CONNECTIONS',
        'BENCH_HTTP_LOG_LEVEL',
        'BENCH_HTTP_EXPRESS',
        'BENCH_HTTP_PROFILE',
        'BENCH_HTTP_ORDERS_MAIN',
        'BENCH_NOTIFY_CLIENTS',
        'BENCH_NOTIFY_RATE',
        'BENCH_NOTIFY_SECONDS',
        'BENCH_NOTIFY_WARMUP_SECONDS',
        'BENCH_NOTIFY_SHOPS',
        'BENCH_NOTIFY_WORKERS',
        'BENCH_NOTIFY_LOG_LEVEL',
        'BENCH_NOTIFY_MAIN',
        'BENCH_MESSAGING_SECONDS',
        'BENCH_MESSAGING_WARMUP_SECONDS',
        'BENCH_MESSAGING_CONCURRENCY',
        'BENCH_MESSAGING_CONVERSATIONS',
        'BENCH_MESSAGING_LOG_LEVEL',
        'BENCH_MESSAGING_MAIN',
        'BENCH_PLANNER_SIZES',
        'BENCH_PLANNER_SEEDS',
        'BENCH_PLANNER_CITY_MS',
        'BENCH_PLANNER_SOLOMON_MS',
        'BENCH_LOCATIONS_RIDERS',
        'BENCH_LOCATIONS_CONCURRENCY',
        'BENCH_KAFKA_CLIENTS_SECONDS',
        'BENCH_KAFKA_CLIENTS_RELAY_RATE',
        'BENCH_AUTH_SECONDS',
        'BENCH_AUTH_VERIFY_CONCURRENCY',
        'BENCH_AUTH_ARGON2_CONCURRENCY',
        'BENCH_AUTH_SIGN_IN_CONCURRENCY',
        'BENCH_ACCOUNTS_LOG_LEVEL',
        'BENCH_ACCOUNTS_MAIN',
        'BENCH_RIDER_PHONES',
        'BENCH_RIDER_BATCH',
        'BENCH_RIDER_SECONDS',
        'BENCH_RIDER_WARMUP_SECONDS',
        'BENCH_RIDER_MAIN',
        'BENCH_INTAKE_ROWS',
        'BENCH_INTAKE_UPLOAD_MB',
        'BENCH_INTAKE_CONCURRENCY',
        'BENCH_INTAKE_SECONDS',
        'BENCH_INTAKE_ORDERS_MAIN',
        'BENCH_CANDIDATE',
        'BENCH_CANDIDATE_RELAY',
        'BENCH_CANDIDATE_LABEL',
      ]
        .filter((k) => env[k])
        .map((k) => `${k}=${env[k]}`),
      'npm run bench',
    ].join(' '),
    candidateLabel: env.BENCH_CANDIDATE ? (env.BENCH_CANDIDATE_LABEL ?? 'candidate') : undefined,
    machine,
    postgres: {
      version: infra.serverVersion,
      embedded: infra.embeddedPostgres,
      settings: infra.settings,
      poolSize: infra.poolSize,
      connectionOptions: '-c idle_in_transaction_session_timeout=30000 -c statement_timeout=30000',
    },
    kafka: { version: infra.kafkaVersion, embedded: infra.embeddedKafka },
    fsyncMs: infra.fsyncMs,
    warmupSeconds,
    phaseSeconds,
    profiles: [],
  };

  try {
    await sectionsOf(ctx, run);
  } catch (err) {
    say(`bench failed: ${(err as Error).stack ?? String(err)}`);
    await stop(1);
    return;
  }
  const totalSeconds = (performance.now() - started) / 1000;
  run.totalSeconds = totalSeconds;
  say(`\n[targets]\n${printTable(targetsTable(targets(run)))}\n`);
  if (docsFile !== '0') {
    writeMarkdown(docsFile, run);
    say(`wrote ${docsFile}`);
  }
  say(`done in ${totalSeconds.toFixed(0)} s`);
  await stop(0);
}

async function sectionsOf(ctx: BenchContext, run: BenchRun): Promise<void> {
  try {
    let append: AppendSection | undefined;
    if (sections.has('append')) {
      say('\n[1/3 append] closed loop, ours vs raw INSERT, same pool');
      append = await appendSection(ctx);
      run.append = append;
      say(`\n${printTable(appendTable(append, run.candidateLabel))}\n`);
      if (append.statements.length) say(`${printTable(statementsTable(append.statements))}\n`);
    }
    let read: ReadSection | undefined;
    if (sections.has('read')) {
      say('\n[2/3 read] readStream + fold vs a named prepared PK read');
      read = await readSection(ctx);
      run.read = read;
      say(`\n${printTable(readTable(read, run.candidateLabel))}\n`);
      if (read.statements.length) say(`${printTable(statementsTable(read.statements))}\n`);
    }
    if (sections.has('profile') && read) {
      say('\n[profile] CPU profiles of this process, 16 concurrent calls, 3 s each');
      run.profiles = await profiles(ctx, read);
      for (const p of run.profiles) {
        say(`\n${p.name}: ${Math.round(p.busyUsPerCall)} µs sampled, ${Math.round(p.cpuUsPerCall)} µs on CPU per call\n${printTable(profileTable(p))}`);
      }
    }
    if (sections.has('relay')) {
      const { rates, note } = relayRates(append);
      say(`\n[3/3 relay] OutboxRelay + EventPublisher → Kafka → consumer (child process); rates ${rates.join(', ')} appends/s`);
      if (note) say(`  ${note}`);
      const relay: RelaySection = await relaySection(ctx, rates, note);
      run.relay = relay;
      say(`\n${printTable(relayTable(relay))}\n`);
    }
    if (sections.has('http')) {
      say('\n[4 http] create order and Nest hello worlds ÷ bare Fastify hello world, servers in child processes, autocannon here');
      const http: HttpSection = await httpSection(ctx);
      run.http = http;
      say(`\n${printTable(httpTable(http))}\n`);
      const p = http.ordersProfile;
      if (p) {
        say(
          `create order, profiled: ${Math.round(p.profile.busyUsPerCall)} µs sampled, ${Math.round(p.profile.cpuUsPerCall)} µs service CPU per order\n${printTable(profileTable(p.profile))}`,
        );
        say(`${printTable({ headers: ['function (self time)', 'share'], rows: p.profile.functions.map((f) => [f.fn, `${(f.share * 100).toFixed(1)}%`]) })}\n`);
        if (p.profile.inclusive?.length) say(`${printTable(inclusiveTable(p.profile))}\n`);
        say(`PostgreSQL ${Math.round(p.postgresCpuUsPerOrder ?? Number.NaN)} µs, broker ${Math.round(p.brokerCpuUsPerOrder ?? Number.NaN)} µs CPU per order`);
        if (p.statements.length) say(`${printTable(orderStatementsTable(p.statements, p.orders))}\n`);
      }
    }
    if (sections.has('notifications')) {
      say(
        '\n[5 notifications] N WebSocket clients, status changes at a fixed rate: the notifications service vs a plain ws broadcast, each in a child process, clients in another',
      );
      const notifications: NotificationsSection = await notificationsSection(ctx);
      run.notifications = notifications;
      say(`\n${printTable(notificationsTable(notifications))}\n`);
    }
    if (sections.has('messaging')) {
      say(
        '\n[6 messaging] messages posted over HTTP → MessagePosted on messaging.events vs photos attached to orders → orders.events, both services in child processes',
      );
      const messaging: MessagingSection = await messagingSection(ctx);
      run.messaging = messaging;
      say(`\n${printTable(messagingTable(messaging))}\n`);
    }
    if (sections.has('planner')) {
      say('\n[7 planner] route plans on generated city days (ours vs jsprit vs a naive dispatcher) and on Solomon VRPTW instances (vs best-known)');
      const numbers = (value: string | undefined) => (value ? value.split(',').map((x) => Number(x.trim())) : undefined);
      run.planner = await runPlannerBench({
        sizes: numbers(env.BENCH_PLANNER_SIZES),
        plannerSeeds: numbers(env.BENCH_PLANNER_SEEDS),
        cityTimeLimitMs: numbers(env.BENCH_PLANNER_CITY_MS)?.[0],
        solomonTimeLimitMs: numbers(env.BENCH_PLANNER_SOLOMON_MS)?.[0],
      });
      say(`\n${renderPlannerSection(run.planner)}\n`);
    }
    if (sections.has('locations')) {
      say('\n[8 locations] riders report positions to the dispatch service (child process) vs the same rows written straight into PostgreSQL');
      run.locations = await locationsSection(ctx, {
        riders: Number(env.BENCH_LOCATIONS_RIDERS ?? 200),
        concurrency: Number(env.BENCH_LOCATIONS_CONCURRENCY ?? 16),
      });
      say(`\n${printTable(locationsTable(run.locations))}\n`);
    }
    if (sections.has('kafka-clients')) {
      say('\n[9 kafka-clients] kafkajs and @platformatic/kafka through the driver port: produce, consume, relay commit → ack');
      run.kafkaClients = await kafkaClientsSection(ctx, {
        seconds: Number(env.BENCH_KAFKA_CLIENTS_SECONDS ?? 6),
        relayRate: Number(env.BENCH_KAFKA_CLIENTS_RELAY_RATE ?? 500),
      });
      say(`\n${printTable(kafkaClientsTable(run.kafkaClients))}\n`);
    }
    if (sections.has('auth')) {
      say(
        "\n[10 auth] token verification, ES256 (inline and fetched JWKS) vs the old HS256 path, and Argon2id at OWASP's parameters, in this process; sign-in over HTTP to the accounts service",
      );
      const list = (value: string | undefined, fallback: number[]) =>
        value !== undefined
          ? value
              .split(',')
              .filter((x) => x.trim())
              .map((x) => Number(x.trim()))
          : fallback;
      run.auth = await authSection(ctx, {
        seconds: Number(env.BENCH_AUTH_SECONDS ?? 2),
        verifyConcurrencies: list(env.BENCH_AUTH_VERIFY_CONCURRENCY, [1, 8]),
        argonConcurrencies: list(env.BENCH_AUTH_ARGON2_CONCURRENCY, [1, 2, 4]),
        signInConcurrencies: list(env.BENCH_AUTH_SIGN_IN_CONCURRENCY, [1, 4]),
        accountsEntry: env.BENCH_ACCOUNTS_MAIN ? resolve(env.BENCH_ACCOUNTS_MAIN) : undefined,
        accountsLogLevel: env.BENCH_ACCOUNTS_LOG_LEVEL ?? 'info',
      });
      say(`\n${printTable(authTable(run.auth))}\n`);
      const signIns = authHttpSignInTable(run.auth);
      if (signIns) say(`${printTable(signIns)}\n`);
      const routes = authRoutesTable(run.auth);
      if (routes) say(`${printTable(routes)}\n`);
    }
    if (sections.has('console')) {
      say("\n[11 console] the shop console in Debian's Chromium behind the gateway: first bundle, the day's board of many orders against a few, scrolling");
      run.console = await consoleSection(ctx, {
        orders: Number(env.BENCH_CONSOLE_ORDERS ?? 500),
        baselineOrders: Number(env.BENCH_CONSOLE_BASELINE_ORDERS ?? 20),
        runs: Number(env.BENCH_CONSOLE_RUNS ?? 5),
        liveOrders: Number(env.BENCH_CONSOLE_LIVE_ORDERS ?? 10),
        logLevel: env.BENCH_CONSOLE_LOG_LEVEL ?? 'warn',
      });
      say(`\n${printTable(bundleTable(run.console.bundle))}\n${printTable(consoleTable(run.console))}\n${printTable(liveTable(run.console))}\n`);
    }
    if (sections.has('rider')) {
      say("\n[12 rider] the rider app's position protocol (batches of reports with ids against one report per request, same run) and its first bundle");
      run.rider = await riderSection(ctx, {
        riders: Number(env.BENCH_RIDER_PHONES ?? 16),
        batchSize: Number(env.BENCH_RIDER_BATCH ?? 10),
        seconds: Number(env.BENCH_RIDER_SECONDS ?? 4),
        warmupSeconds: Number(env.BENCH_RIDER_WARMUP_SECONDS ?? 1),
      });
      say(`\n${printTable(riderTable(run.rider))}\n${printTable(bundleTable(run.rider.bundle))}\n`);
    }
    if (sections.has('intake')) {
      say(
        "\n[13 intake] a CSV import of many rows and a large upload (rows/s, the orders service's memory), the intake API, Shopify webhooks and Meituan pushes against POST /orders, same run",
      );
      run.intake = await intakeSection(ctx, {
        rows: Number(env.BENCH_INTAKE_ROWS ?? 10_000),
        uploadMiB: Number(env.BENCH_INTAKE_UPLOAD_MB ?? 200),
        concurrency: Number(env.BENCH_INTAKE_CONCURRENCY ?? 16),
        seconds: Number(env.BENCH_INTAKE_SECONDS ?? phaseSeconds),
        warmupSeconds: warmupSeconds,
      });
      say(
        `\n${printTable(intakeCsvTable(run.intake))}\n${printTable(intakeHttpTable(run.intake))}\n${printTable(intakeWebhookTable(run.intake))}\n${printTable(intakeMeituanTable(run.intake))}\n`,
      );
    }
  } finally {
    run.machine.loadAvgEnd = loadavg();
  }
}

/**
 * BENCH_CANDIDATE=<built module exporting EventStore> (e.g. a scratch copy's
 * dist/libs/event-store/src/event-store.js) adds "candidate" rows measured in the same turns as
 * the current store; BENCH_CANDIDATE_RELAY=<module exporting OutboxRelay> runs the relay section
 * with the candidate store and relay. BENCH_CANDIDATE_LABEL names it in the tables.
 */
function loadCandidate(dataSource: DataSource): Candidate | undefined {
  if (!env.BENCH_CANDIDATE) return undefined;
  const { EventStore: CandidateStore } = require(resolve(env.BENCH_CANDIDATE)) as { EventStore: typeof EventStore };
  const Relay = env.BENCH_CANDIDATE_RELAY ? (require(resolve(env.BENCH_CANDIDATE_RELAY)) as { OutboxRelay: typeof OutboxRelay }).OutboxRelay : undefined;
  return { label: env.BENCH_CANDIDATE_LABEL ?? 'candidate', store: new CandidateStore(dataSource), Relay };
}

/**
 * 500/s, then 2000/s unless that is more than half of what single appends reach on this machine
 * (16 writers, nothing else running): the relay, the broker and the consumer need the rest of
 * the CPU, and a saturated machine measures its queues, not the relay.
 */
function relayRates(append: AppendSection | undefined): { rates: number[]; note?: string } {
  if (env.BENCH_RELAY_RATES) return { rates: env.BENCH_RELAY_RATES.split(',').map(Number) };
  const capacity = append?.phases['ours.new.c16']?.itemsPerSec;
  if (capacity !== undefined && capacity * 0.5 < 2000) {
    const high = Math.max(500, Math.floor((capacity * 0.5) / 100) * 100);
    return {
      rates: [500, high],
      note: `high rate ${high}/s instead of 2000/s: single appends top out at ${Math.round(capacity)}/s on this machine (16 writers, append section), and the relay, broker and consumer share its ${cpus().length} cores`,
    };
  }
  return { rates: [500, 2000] };
}

async function profiles(ctx: BenchContext, read: ReadSection): Promise<ProfileSummary[]> {
  const { store, infra } = ctx;
  void read; // the read section wrote the streams profiled here
  const { rows } = await infra.pool.query(`SELECT stream_id FROM streams WHERE version = 10 LIMIT 2000`);
  const streams = rows.map((r: { stream_id: string }) => r.stream_id);
  const pctx: BenchContext = { ...ctx, warmupMs: 0, durationMs: 3000 };
  const out: ProfileSummary[] = [];
  const run = async (name: string, op: () => Promise<number>) => {
    const { summary } = await profiled(name, () => phase(pctx, `${name} (profiled)`, 16, op));
    out.push(summary);
  };
  await run('EventStore.append, 1 event, new stream', async () => {
    await store.append(streamId(), STREAM_TYPE, 0, newEvents(1), benchMetadata());
    return 1;
  });
  await run('EventStore.readStream + fold', async () => {
    const events = await store.readStream(streams[Math.floor(Math.random() * streams.length)]);
    return events.length ? 1 : 0;
  });
  const candidate = ctx.candidate;
  if (candidate) {
    await run(`${candidate.label}: append, 1 event, new stream`, async () => {
      await candidate.store.append(streamId(), STREAM_TYPE, 0, newEvents(1), benchMetadata());
      return 1;
    });
    await run(`${candidate.label}: readStream + fold`, async () => {
      const events = await candidate.store.readStream(streams[Math.floor(Math.random() * streams.length)]);
      return events.length ? 1 : 0;
    });
  }
  return out;
}

main().catch((err: unknown) => {
  say(`bench failed: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
