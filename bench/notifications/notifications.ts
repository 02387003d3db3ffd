import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessTokenSigner, generateSigningKey, type SigningKey } from '@petalpost/auth';
import { OutboxRelay } from '@petalpost/event-store';
import { createKafka, EventPublisher } from '@petalpost/kafka';
import pino from 'pino';
import { type BenchContext, resetStatements, type StatementStat, topStatements } from '../lib/context';
import { repoRoot } from '../lib/infra';
import { fmt, machineBusyMs, processTreeCpuMs, say, sleep, wallNow } from '../lib/measure';
import type { ClientsReport, ClientSpec, ConnectResult, EventTable } from './clients-protocol';
import { LoadProcess, NOTIFICATIONS_MAIN, type PushServer, residentBytes, startBroadcastBaseline, startNotificationsService } from './processes';
import { shopIds, StatusChanges, toIntegrationEvent } from './status-changes';

export type PushContender = 'ours' | 'baseline';

export interface PushPhase {
  contender: PushContender;
  clients: number;
  connect: ConnectResult;
  /** Status changes appended (all, and inside the measured window) and the rate reached in the window. */
  appended: number;
  appendedInWindow: number;
  appendRate: number;
  appendErrors: number;
  firstAppendError?: string;
  /** Appends not issued because MAX_IN_FLIGHT were still running (the bench falling behind). */
  skipped: number;
  /** Notification frames per second that the connected clients should get at the target rate. */
  expectedPerSec: number;
  /** Notification frames received per second inside the measured window, all clients together. */
  deliveredPerSec: number;
  /** From the last append's commit until every owed frame had arrived (or arrivals stopped, or DRAIN_LIMIT_MS passed). */
  drainSeconds: number;
  /** Frames still owed when the drain ended (0: every client got everything it was owed). */
  owedAtEnd: number;
  /** The drain hit DRAIN_LIMIT_MS: what was still owed may have been on its way, so loss is not judged. */
  drainCut: boolean;
  /** The service: events in its inboxes when the drain ended, of `appended`. */
  writtenAtEnd?: number;
  /** The service: events written into its inboxes per second in the measured window (every event enters the `operator` inbox). */
  inboxPerSec?: number;
  clientsReport: ClientsReport;
  memory: { before: number; connected: number; perConnection: number; afterRun: number; peak: number };
  /** Cores each process kept busy over the measured window (CPU seconds ÷ window seconds). */
  cores: { server: number; loadGen: number; postgres?: number; broker?: number; bench: number; other?: number };
  /** Server CPU per notification frame received in the window (µs). */
  serverUsPerNotification: number;
  loadAvg: { before: number; after: number };
  /** The service's phases: PostgreSQL sessions by what they were doing, sampled every 100 ms in the measured window (average sessions). */
  sessions: SessionSample[];
  /** pg_stat_statements over the measured window (the notifications service's phases). */
  statements: StatementStat[];
}

export interface SessionSample {
  state: string;
  wait: string;
  query: string;
  /** Average number of sessions in this state over the samples. */
  sessions: number;
}

export interface NotificationsSection {
  rate: number;
  shops: number;
  warmupSeconds: number;
  seconds: number;
  workers: number;
  /** How long after the last append deliveries are awaited at most. */
  drainLimitSeconds: number;
  logLevel: string;
  /** The service's built main.js, when another build than this tree's (BENCH_NOTIFY_MAIN). */
  entry?: string;
  versions: Record<string, string>;
  phases: PushPhase[];
  /** Client counts that could not be measured, and why. */
  skipped: { clients: number; contender: PushContender; reason: string }[];
}

const MAX_IN_FLIGHT = 256;
const SLICE_MS = 5_000;
/** After the last append, how long the service may take to write the backlog into its inboxes and deliver it. */
const DRAIN_LIMIT_MS = 90_000;
const CONNECT_CONCURRENCY = 64;
const env = process.env;

/**
 * Event appended → notification delivered, for N connected WebSocket clients (staff of `shops`
 * shops, N ÷ shops each) while order status changes are appended at a fixed rate: the real
 * notifications service (built, in a process of its own) against a plain `ws` broadcast server, in
 * the same run, one after the other per N. Every phase starts its server afresh on topics of its own.
 *
 * Knobs: BENCH_NOTIFY_CLIENTS=1000,5000  BENCH_NOTIFY_RATE=200  BENCH_NOTIFY_SECONDS=20
 * BENCH_NOTIFY_WARMUP_SECONDS=3  BENCH_NOTIFY_SHOPS=10  BENCH_NOTIFY_WORKERS=2 (client threads)
 * BENCH_NOTIFY_LOG_LEVEL=info (the service's)  BENCH_NOTIFY_MAIN=<another build's dist/apps/notifications/src/main.js>
 */
export async function notificationsSection(ctx: BenchContext): Promise<NotificationsSection> {
  const entry = env.BENCH_NOTIFY_MAIN ? resolve(env.BENCH_NOTIFY_MAIN) : undefined;
  const section: NotificationsSection = {
    rate: Number(env.BENCH_NOTIFY_RATE ?? 200),
    shops: Number(env.BENCH_NOTIFY_SHOPS ?? 10),
    warmupSeconds: Number(env.BENCH_NOTIFY_WARMUP_SECONDS ?? 3),
    seconds: Number(env.BENCH_NOTIFY_SECONDS ?? 20),
    workers: Number(env.BENCH_NOTIFY_WORKERS ?? 2),
    drainLimitSeconds: DRAIN_LIMIT_MS / 1000,
    logLevel: env.BENCH_NOTIFY_LOG_LEVEL ?? 'info',
    entry,
    versions: versions(),
    phases: [],
    skipped: [],
  };
  const counts = (env.BENCH_NOTIFY_CLIENTS ?? '1000,5000').split(',').map(Number);
  const signingKey = generateSigningKey();
  for (const clients of counts) {
    for (const contender of ['ours', 'baseline'] as const) {
      try {
        section.phases.push(await pushPhase(ctx, section, contender, clients, signingKey, entry ?? NOTIFICATIONS_MAIN));
      } catch (err) {
        const reason = (err as Error).message.split('\n')[0];
        say(`  ${contender} with ${clients} clients: not measured: ${reason}`);
        section.skipped.push({ clients, contender, reason });
      }
    }
  }
  return section;
}

interface CpuSnapshot {
  at: number;
  written?: Promise<number>;
  server?: number;
  loadGen?: number;
  postgres?: number;
  broker?: number;
  bench: number;
  machine?: number;
}

async function pushPhase(
  ctx: BenchContext,
  s: NotificationsSection,
  contender: PushContender,
  clients: number,
  signingKey: SigningKey,
  entry: string,
): Promise<PushPhase> {
  const { infra } = ctx;
  const label = `${contender === 'ours' ? 'notifications service' : 'ws broadcast baseline'}, ${clients} clients`;
  const namespace = `bench-notify-${process.pid}-${contender}-${clients}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const loadBefore = loadavg()[0];
  try {
    process.stdout.write(`  ${label}: starting … `);
    const server: PushServer =
      contender === 'ours'
        ? await startNotificationsService(infra, {
            namespace,
            schema: infra.embeddedPostgres ? `bench_notify_${clients}` : `bench_notify_${clients}_${process.pid}`,
            signingKey,
            logLevel: s.logLevel,
            entry,
          })
        : await startBroadcastBaseline(infra, { namespace, signingKey });
    cleanups.push(() => server.stop());
    await sleep(2_000);
    const before = residentBytes(server.pid).rss;

    const shops = shopIds(s.shops);
    const tokens = new AccessTokenSigner(signingKey);
    const specs: ClientSpec[] = Array.from({ length: clients }, (_, i) => {
      const shop = i % s.shops;
      return { shop, token: tokens.sign({ role: 'staff', sub: `staff-${shops[shop]}-${Math.floor(i / s.shops)}`, shopId: shops[shop] }) };
    });
    const load = await LoadProcess.start();
    cleanups.push(() => load.stop());
    const connect = await load.connect(server.url, specs, s.workers, CONNECT_CONCURRENCY);
    process.stdout.write(
      `${connect.connected} connected in ${connect.seconds.toFixed(1)} s${connect.failed ? ` (${connect.failed} failed: ${connect.firstError})` : ''} … `,
    );
    if (connect.connected === 0) throw new Error(`no client could connect: ${connect.firstError}`);
    await sleep(1_000);
    const connected = residentBytes(server.pid).rss;

    // The orders log, relayed to this phase's topic by the real relay from where the log is now.
    const relayName = `bench.notify.${contender}.${clients}`;
    await infra.pool.query(
      `INSERT INTO checkpoints (processor_id, last_tx, last_pos)
       SELECT $1, coalesce(max(transaction_id)::text, '0')::xid8, coalesce(max(global_position), 0) FROM events`,
      [relayName],
    );
    const logger = pino({ level: 'error' }, pino.destination(2));
    const publisher = new EventPublisher(createKafka({ clientId: 'bench-notify-relay', brokers: infra.brokers, logger }));
    await publisher.connect();
    cleanups.push(() => publisher.disconnect());
    let relayed = 0;
    const relay = new OutboxRelay(infra.dataSource, ctx.store, {
      name: relayName,
      logger,
      publish: async (events) => {
        await publisher.publish(server.topic, events.map(toIntegrationEvent));
        relayed += events.length;
      },
    });
    relay.start();
    cleanups.push(() => relay.stop());

    // Open loop at the target rate; each status change is appended once the order's previous one committed.
    const changes = new StatusChanges(s.shops);
    const ids: string[] = [];
    const shopOf: number[] = [];
    const appendedAt: number[] = [];
    const timed: boolean[] = [];
    const lastOfStream = new Map<string, Promise<unknown>>();
    const pending: Promise<unknown>[] = [];
    let inFlight = 0;
    let skipped = 0;
    let appendErrors = 0;
    let firstAppendError: string | undefined;
    let lastCommitAt = 0;
    const warmupMs = s.warmupSeconds * 1000;
    const endMs = warmupMs + s.seconds * 1000;
    const snapshot = (): CpuSnapshot => {
      const self = process.cpuUsage();
      return {
        at: performance.now(),
        server: processTreeCpuMs(server.pid),
        loadGen: processTreeCpuMs(load.pid),
        postgres: infra.postgresPid ? processTreeCpuMs(infra.postgresPid) : undefined,
        broker: infra.brokerPid ? processTreeCpuMs(infra.brokerPid) : undefined,
        bench: (self.user + self.system) / 1000,
        machine: machineBusyMs(),
        written: server.written?.().catch(() => Number.NaN),
      };
    };
    const snapshots: CpuSnapshot[] = [];
    const start = performance.now();
    const wallStart = wallNow();
    let sampling: Promise<SessionSample[]> | undefined;
    let windowOpen = false;
    const edges = [
      setTimeout(() => {
        snapshots.push(snapshot());
        windowOpen = true;
        if (contender === 'ours') {
          sampling = sampleSessions(ctx, () => windowOpen);
          void resetStatements(infra);
        }
      }, warmupMs),
      setTimeout(() => {
        snapshots.push(snapshot());
        windowOpen = false;
      }, endMs),
    ];
    cleanups.push(async () => {
      edges.forEach(clearTimeout);
      windowOpen = false;
    });
    const fire = (k: number, inWindow: boolean) => {
      const change = changes.next(k);
      inFlight++;
      const previous = lastOfStream.get(change.streamId) ?? Promise.resolve();
      const appended = previous
        .then(async () => {
          const at = wallNow();
          const result = await ctx.store.append(change.streamId, 'order', change.expectedVersion, [change.event], change.metadata);
          lastCommitAt = wallNow();
          ids.push(result.events[0].eventId);
          shopOf.push(shops.indexOf(change.shopId));
          appendedAt.push(at);
          timed.push(inWindow);
        })
        .catch((err: Error) => {
          appendErrors++;
          firstAppendError ??= err.message;
        })
        .finally(() => inFlight--);
      lastOfStream.set(change.streamId, appended);
      pending.push(appended);
    };
    let issued = 0;
    for (;;) {
      const elapsed = performance.now() - start;
      if (elapsed >= endMs) break;
      const due = Math.floor((s.rate * elapsed) / 1000);
      for (; issued < due; issued++) {
        if (inFlight >= MAX_IN_FLIGHT) skipped++;
        else fire(issued, elapsed >= warmupMs);
      }
      await sleep(1);
    }
    await Promise.all(pending);
    // The loop may end a moment before the window's closing timer fires: wait for it.
    while (snapshots.length < 2) await sleep(5);
    const [w0, w1] = snapshots;
    const sessions = (await sampling) ?? [];
    // The session sampler's own query is not the service's.
    const statements = contender === 'ours' ? (await topStatements(infra, 11)).filter((x) => !x.query.includes('pg_stat_activity')).slice(0, 10) : [];

    // Drain: the relay publishes the rest, the service writes its backlog into the inboxes, and the
    // clients receive what they are owed — or arrivals stop for 3 s once everything is written.
    const drainDeadline = performance.now() + DRAIN_LIMIT_MS;
    while (relayed < ids.length && performance.now() < drainDeadline) await sleep(10);
    if (server.written) while ((await server.written()) < ids.length && performance.now() < drainDeadline) await sleep(250);
    const perShop = new Array<number>(s.shops).fill(0);
    for (const shop of shopOf) perShop[shop]++;
    const clientsOfShop = (shop: number) => Math.floor(connect.connected / s.shops) + (shop < connect.connected % s.shops ? 1 : 0);
    const owed = perShop.reduce((n, events, shop) => n + events * clientsOfShop(shop), 0);
    let received = await load.progress();
    let lastChange = performance.now();
    while (received < owed && performance.now() - lastChange < 3_000 && performance.now() < drainDeadline) {
      await sleep(100);
      const now = await load.progress();
      if (now !== received) lastChange = performance.now();
      received = now;
    }
    const drainSeconds = (wallNow() - lastCommitAt) / 1000;
    const drainCut = received < owed && performance.now() >= drainDeadline;
    const [written0, written1, writtenAtEnd] = await Promise.all([w0.written, w1.written, server.written?.()]);

    const table: EventTable = {
      ids,
      shop: shopOf,
      appendedAt,
      counted: ids.map(() => true),
      timed,
      windowFrom: wallStart + warmupMs,
      windowTo: wallStart + endMs,
      sliceMs: SLICE_MS,
    };
    const report = await load.report(table);
    const after = residentBytes(server.pid);
    const windowSeconds = (w1.at - w0.at) / 1000;
    const cores = (f: (x: CpuSnapshot) => number | undefined) => {
      const a = f(w0);
      const b = f(w1);
      return a !== undefined && b !== undefined ? (b - a) / 1000 / windowSeconds : undefined;
    };
    const server_ = cores((x) => x.server) ?? Number.NaN;
    const loadGen = cores((x) => x.loadGen) ?? Number.NaN;
    const postgres = cores((x) => x.postgres);
    const broker = cores((x) => x.broker);
    const bench = cores((x) => x.bench) ?? Number.NaN;
    const machine = cores((x) => x.machine);
    const appendedInWindow = timed.filter(Boolean).length;
    const deliveredPerSec = report.receiptsInWindow / s.seconds;
    const phase: PushPhase = {
      contender,
      clients,
      connect,
      appended: ids.length,
      appendedInWindow,
      appendRate: appendedInWindow / s.seconds,
      appendErrors,
      firstAppendError,
      skipped,
      expectedPerSec: (s.rate * connect.connected) / s.shops,
      deliveredPerSec,
      drainSeconds,
      owedAtEnd: Math.max(0, owed - received),
      drainCut,
      writtenAtEnd,
      inboxPerSec: written0 !== undefined && written1 !== undefined ? (written1 - written0) / windowSeconds : undefined,
      clientsReport: report,
      memory: { before, connected, perConnection: (connected - before) / connect.connected, afterRun: after.rss, peak: after.peak },
      cores: {
        server: server_,
        loadGen,
        postgres,
        broker,
        bench,
        other: machine !== undefined ? Math.max(0, machine - server_ - loadGen - (postgres ?? 0) - (broker ?? 0) - bench) : undefined,
      },
      serverUsPerNotification: (server_ * windowSeconds * 1e6) / Math.max(1, report.receiptsInWindow),
      loadAvg: { before: loadBefore, after: loadavg()[0] },
      sessions,
      statements,
    };
    const r = report;
    say(
      `appended ${fmt.rate(phase.appendRate)}/s; delivered ${fmt.rate(deliveredPerSec)}/s of ${fmt.rate(phase.expectedPerSec)}/s; ` +
        `p50 ${fmt.ms(r.latency.p50)} ms, p99 ${fmt.ms(r.latency.p99)} ms; ${fmt.rate(phase.memory.perConnection / 1024)} KiB/connection; ` +
        `missing ${r.missing}, duplicates ${r.duplicates}, misrouted ${r.misrouted}; server ${server_.toFixed(2)} cores, clients ${loadGen.toFixed(2)} cores; ` +
        `p99 by ${SLICE_MS / 1000} s: ${r.slices.map((x) => fmt.ms(x.p99)).join(' ')} ms; drain ${drainSeconds.toFixed(1)} s` +
        (phase.inboxPerSec !== undefined ? `; inbox ${fmt.rate(phase.inboxPerSec)} events/s` : '') +
        (appendErrors ? `; ${appendErrors} appends failed: ${firstAppendError}` : '') +
        (skipped ? `; ${skipped} appends not issued (${MAX_IN_FLIGHT} in flight)` : ''),
    );
    return phase;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: Error) => say(`  cleanup: ${err.message}`));
  }
}

/**
 * What the database's sessions are doing while `open()`: every 100 ms, each non-idle client
 * backend by state, wait event and statement; averaged over the samples. Waiting on a lock, on
 * the client (idle in transaction) or on the WAL flush shows where a serial section is.
 */
async function sampleSessions(ctx: BenchContext, open: () => boolean): Promise<SessionSample[]> {
  const totals = new Map<string, SessionSample>();
  let samples = 0;
  while (open()) {
    const { rows } = await ctx.infra.pool.query<{ state: string; wait: string; query: string; n: number }>(
      `SELECT state, coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS wait,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query, count(*)::int AS n
         FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'
        GROUP BY 1, 2, 3`,
    );
    samples++;
    for (const r of rows) {
      const key = `${r.state}|${r.wait}|${r.query}`;
      const t = totals.get(key) ?? { state: r.state, wait: r.wait, query: r.query.trim(), sessions: 0 };
      t.sessions += r.n;
      totals.set(key, t);
    }
    await sleep(100);
  }
  return [...totals.values()]
    .map((t) => ({ ...t, sessions: t.sessions / Math.max(1, samples) }))
    .sort((a, b) => b.sessions - a.sessions)
    .slice(0, 12);
}

function versions(): Record<string, string> {
  const version = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return '?';
    }
  };
  return Object.fromEntries(['ws', 'kafkajs', '@nestjs/core', '@nestjs/platform-ws'].map((p) => [p, version(p)]));
}
