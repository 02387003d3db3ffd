import { resolve } from 'node:path';
import { AccessTokenSigner, type SigningKey } from '@petalpost/auth';
import { type BenchContext, resetStatements, type StatementStat, topStatements } from '../lib/context';
import { fmt, processTreeCpuMs, say } from '../lib/measure';
import { type ProfileSummary, summariseProfile } from '../lib/profile';
import { type HttpResult, type HttpSample, type HttpTarget, loadWindow, mergeHttpSamples } from './load';
import { placeOrderBody } from './order-body';
import { type HttpServer, ORDERS_MAIN, type OrdersService, startHelloServer, startOrdersService } from './servers';

export type HttpKey = 'fastify.hello' | 'nest-fastify.hello' | 'nest-express.hello' | 'orders.create';

export interface HttpSection {
  connections: number;
  /** LOG_LEVEL of the orders service (info as shipped: two log lines per request). */
  logLevel: string;
  /** The orders service's built main.js, when another build than this tree's (BENCH_HTTP_ORDERS_MAIN). */
  ordersMain?: string;
  results: Partial<Record<HttpKey, HttpResult>>;
  /** Versions of what is compared, from node_modules. */
  versions: Record<string, string>;
  /** Why Nest on Express was not measured, when it was not. */
  expressSkipped?: string;
  /** OrderPlaced events in the service's log after the run, and responses that said 201 (warm-up included). */
  ordersAppended?: { events: number; created: number };
  /** Where create-order's time goes: the service alone under the same load, CPU-profiled, and PostgreSQL's statements over the same window. */
  ordersProfile?: OrdersProfile;
}

export interface OrdersProfile {
  seconds: number;
  connections: number;
  /** Orders created in the profiled window (every statement's calls are divided by these). */
  orders: number;
  requestsPerSec: number;
  profile: ProfileSummary;
  /** CPU of PostgreSQL (all its processes) and of the broker, per order, over the whole window. */
  postgresCpuUsPerOrder?: number;
  brokerCpuUsPerOrder?: number;
  statements: StatementStat[];
}

interface HttpContender {
  key: HttpKey;
  name: string;
  server: HttpServer;
  target: HttpTarget;
  /** PostgreSQL and the broker: sampled apart from the server and from "other load". */
  backendPids: number[];
}

const HELLO_BODY = JSON.stringify({ hello: 'world' });

const helloTarget = (server: HttpServer): HttpTarget => ({
  url: `${server.url}/hello`,
  method: 'GET',
  expectStatus: 200,
  verifyBody: (body) => body === HELLO_BODY,
});

/**
 * `POST /orders` as a shop's staff member: validation, the decider, an append to the order log (and
 * the outbox relay publishing it to Kafka behind). Each request places a new order.
 */
const placeOrderTarget = (server: HttpServer, signingKey: SigningKey): HttpTarget => {
  const token = new AccessTokenSigner(signingKey).sign({ role: 'staff', sub: 'bench', shopId: 's1' });
  return {
    url: `${server.url}/orders`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(placeOrderBody()),
    expectStatus: 201,
    verifyBody: (body) => {
      try {
        return typeof (JSON.parse(body) as { orderId?: unknown }).orderId === 'string';
      } catch {
        return false;
      }
    },
  };
};

const env = process.env;

/**
 * Create-order over HTTP against bare Fastify's hello world, and Nest's hello world (on Fastify,
 * and on Express for the adapter decision) against the same, in one run on 127.0.0.1. Every server
 * runs in a process of its own; autocannon, in this process, is the load generator.
 *
 * Knobs: BENCH_HTTP_CONNECTIONS=16  BENCH_HTTP_LOG_LEVEL=info (the orders service's)
 * BENCH_HTTP_EXPRESS=0 (skip Nest on Express)
 * BENCH_HTTP_ORDERS_MAIN=<another build's dist/apps/orders/src/main.js> (e.g. of a scratch copy at a given commit)
 * BENCH_HTTP_PROFILE=0 (skip the profiled create-order window that follows the comparison)
 */
export async function httpSection(ctx: BenchContext): Promise<HttpSection> {
  const connections = Number(env.BENCH_HTTP_CONNECTIONS ?? 16);
  const logLevel = env.BENCH_HTTP_LOG_LEVEL ?? 'info';
  const ordersMain = env.BENCH_HTTP_ORDERS_MAIN ? resolve(env.BENCH_HTTP_ORDERS_MAIN) : undefined;
  const section: HttpSection = { connections, logLevel, ordersMain, results: {}, versions: versions() };
  const servers: HttpServer[] = [];
  try {
    const backendPids = [ctx.infra.postgresPid, ctx.infra.brokerPid].filter((p): p is number => p !== undefined);
    const contenders: HttpContender[] = [];
    const fastify = await startHelloServer('fastify-hello', 'fastify-hello');
    servers.push(fastify);
    contenders.push({ key: 'fastify.hello', name: 'Fastify: GET /hello', server: fastify, target: helloTarget(fastify), backendPids: [] });
    const nestFastify = await startHelloServer('nest-fastify-hello', 'nest-hello', ['fastify']);
    servers.push(nestFastify);
    contenders.push({ key: 'nest-fastify.hello', name: 'Nest on Fastify: GET /hello', server: nestFastify, target: helloTarget(nestFastify), backendPids: [] });
    if (env.BENCH_HTTP_EXPRESS === '0') {
      section.expressSkipped = 'BENCH_HTTP_EXPRESS=0';
    } else {
      try {
        const nestExpress = await startHelloServer('nest-express-hello', 'nest-hello', ['express']);
        servers.push(nestExpress);
        contenders.push({
          key: 'nest-express.hello',
          name: 'Nest on Express: GET /hello',
          server: nestExpress,
          target: helloTarget(nestExpress),
          backendPids: [],
        });
      } catch (err) {
        section.expressSkipped = (err as Error).message;
        say(`  Nest on Express skipped: ${section.expressSkipped}`);
      }
    }
    const orders = await startOrdersService(ctx.infra, ordersMain ?? ORDERS_MAIN, logLevel);
    servers.push(orders);
    contenders.push({
      key: 'orders.create',
      name: 'orders: POST /orders (create order)',
      server: orders,
      target: placeOrderTarget(orders, orders.signingKey),
      backendPids,
    });
    for (const c of contenders) await checkOnce(c);
    say(`  servers ready: ${contenders.map((c) => `${c.server.name} ${c.server.url} (pid ${c.server.pid})`).join(', ')}`);

    section.results = await compareHttp(ctx, connections, contenders);
    if (env.BENCH_HTTP_PROFILE !== '0') section.ordersProfile = await profileOrders(ctx, orders, connections);

    const created = section.results['orders.create'];
    if (created) {
      const [{ count }] = await ctx.infra.dataSource.query(`SELECT count(*)::int AS count FROM "${orders.schema}".events WHERE type = 'OrderPlaced'`);
      const createdInAll = created.ok + (section.ordersProfile?.orders ?? 0);
      section.ordersAppended = { events: Number(count), created: createdInAll };
      if (Number(count) < createdInAll) {
        created.errors += createdInAll - Number(count);
        created.firstError ??= `${createdInAll} responses said 201 but only ${count} OrderPlaced events are in the log`;
      }
    }
    return section;
  } finally {
    for (const s of servers.reverse()) await s.stop().catch((err: Error) => say(`  stopping ${s.name}: ${err.message}`));
  }
}

/**
 * The orders service alone under the comparison's load for 3 s, its CPU profiled from inside
 * (V8's sampler, 250 µs) and PostgreSQL's statements counted over the same window: where the
 * time of a create-order goes. A window of its own, so the profiler costs no measured figure.
 */
async function profileOrders(ctx: BenchContext, orders: OrdersService, connections: number): Promise<OrdersProfile> {
  const seconds = 3;
  say(`  profiling create order: ${seconds} s alone, ${connections} connections …`);
  const target = placeOrderTarget(orders, orders.signingKey);
  await resetStatements(ctx.infra);
  const { postgresPid, brokerPid } = ctx.infra;
  const cpuOf = (pid: number | undefined) => (pid === undefined ? undefined : processTreeCpuMs(pid));
  const before = { postgres: cpuOf(postgresPid), broker: cpuOf(brokerPid) };
  const { result: sample, profile } = await orders.profileDuring(() =>
    loadWindow(target, { connections, warmupMs: 200, durationMs: seconds * 1000, serverPid: orders.pid, backendPids: [] }),
  );
  const after = { postgres: cpuOf(postgresPid), broker: cpuOf(brokerPid) };
  const answered = sample.ok + sample.errors;
  const perOrder = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && answered ? ((b - a) * 1000) / answered : undefined);
  const statements = await topStatements(ctx.infra, 12);
  // The profile spans the whole window, its 200 ms start included: per call over every answer in it.
  const summary = summariseProfile('orders service: POST /orders', profile, answered);
  const result = mergeHttpSamples([sample], connections);
  if (sample.errors) throw new Error(`create order failed while profiled (${sample.errors} errors): ${sample.firstError}`);
  return {
    seconds: sample.seconds,
    connections,
    orders: sample.ok,
    requestsPerSec: result.requestsPerSec,
    profile: { ...summary, cpuUsPerCall: result.serverCpuUsPerReq ?? Number.NaN },
    postgresCpuUsPerOrder: perOrder(before.postgres, after.postgres),
    brokerCpuUsPerOrder: perOrder(before.broker, after.broker),
    statements,
  };
}

/** One request before the load, so a body the API no longer takes fails with its answer, not a table of errors. */
async function checkOnce(c: HttpContender): Promise<void> {
  const response = await fetch(c.target.url, { method: c.target.method, headers: c.target.headers, body: c.target.body, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== c.target.expectStatus || !c.target.verifyBody(body)) {
    const hint = c.key === 'orders.create' ? ' — does placeOrderBody() in bench/http/order-body.ts still match the order API?' : '';
    throw new Error(`${c.name}: expected HTTP ${c.target.expectStatus}, got ${response.status}: ${body.slice(0, 500)}${hint}`);
  }
}

/**
 * Like lib/context's compare: every contender warms up once, then they take turns in `rounds`
 * windows (A B C D, D C B A, …) adding up to the phase length, so load from elsewhere and drift
 * fall on all of them alike. Each window opens fresh connections and ignores its first 200 ms.
 */
async function compareHttp(ctx: BenchContext, connections: number, contenders: HttpContender[], rounds = 4): Promise<Partial<Record<HttpKey, HttpResult>>> {
  const samples = new Map<HttpKey, HttpSample[]>(contenders.map((c) => [c.key, []]));
  const warmups = new Map<HttpKey, HttpSample[]>();
  const runWindow = (c: HttpContender, warmupMs: number, durationMs: number) =>
    loadWindow(c.target, { connections, warmupMs, durationMs, serverPid: c.server.pid, backendPids: c.backendPids });
  for (const c of contenders) warmups.set(c.key, [await runWindow(c, ctx.warmupMs, 0)]);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const c of order) samples.get(c.key)?.push(await runWindow(c, 200, ctx.durationMs / rounds));
  }
  const results: Partial<Record<HttpKey, HttpResult>> = {};
  for (const c of contenders) {
    // Every response is checked, the warm-up's too.
    const result = mergeHttpSamples(samples.get(c.key) ?? [], connections, warmups.get(c.key));
    results[c.key] = result;
    say(
      `  ${c.name.padEnd(40)} c=${String(connections).padEnd(3)} … ${fmt.rate(result.requestsPerSec)} req/s  p50 ${fmt.ms(result.p50Ms)} ms  p99 ${fmt.ms(result.p99Ms)} ms` +
        (result.serverCores !== undefined ? `  server ${result.serverCores.toFixed(2)} cores` : '') +
        (result.otherCores !== undefined && result.otherCores >= 0.1 ? `  [other load ${result.otherCores.toFixed(2)} cores]` : '') +
        (result.errors ? `  (${result.errors} errors: ${result.firstError})` : ''),
    );
  }
  return results;
}

function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['fastify', '@nestjs/core', '@nestjs/platform-fastify', '@nestjs/platform-express', 'express', 'autocannon']) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      out[name] = '–';
    }
  }
  return out;
}
