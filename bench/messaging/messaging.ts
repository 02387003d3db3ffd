import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { AccessTokenSigner } from '@petalpost/auth';
import { placeOrderBody } from '../http/order-body';
import type { BenchContext } from '../lib/context';
import { type Distribution, distribution, fmt, say } from '../lib/measure';
import { emptyHorizon, type HorizonSamples, sampleHorizon } from './horizon';
import { KafkaWatch, type KeyOf } from './kafka-watch';
import { type Accepted, type Answer, type CpuPids, HttpClient, type PostOp, postWindow, type PostWindow } from './post-load';
import { MESSAGING_MAIN, type ServicePair, startServicePair } from './services';

export type PostPath = 'messaging' | 'orders';

export interface PathResult {
  path: PostPath;
  concurrency: number;
  /** Requests answered 201 (messaging) or 200 (orders) inside the measured windows, per second. */
  acceptedPerSec: number;
  /**
   * The events of the requests sent inside each window ÷ the time from the first to the last of
   * them reaching the bench's consumer: a relay that falls behind stretches that time.
   */
  onKafkaPerSec: number;
  /** Requests sent inside a measured window and accepted: POST → answer, and POST → the event's first arrival on Kafka. */
  answerMs: Distribution;
  kafkaMs: Distribution;
  /** POST → the record's timestamp (when the service's relay handed it to its producer): the service's share of kafkaMs. */
  producedMs: Distribution;
  /** Over the whole run, checks and warm-ups included. */
  accepted: number;
  errors: number;
  firstError?: string;
  /** Accepted requests whose event never reached the consumer (after the drain). */
  missing: number;
  /** Arrivals of an event beyond its first. */
  duplicates: number;
  /** Events on Kafka no accepted request accounts for (a request that failed or timed out after its append committed). */
  unaccounted: number;
  seconds: number;
  /** Cores each process kept busy over the measured windows (CPU seconds ÷ window seconds). */
  cores: { orders?: number; messaging?: number; postgres?: number; broker?: number; bench: number; other?: number };
  /** CPU per request accepted in the windows (µs): the service under test, PostgreSQL, the broker. */
  serviceUsPerRequest?: number;
  postgresUsPerRequest?: number;
  brokerUsPerRequest?: number;
  /**
   * The oldest transaction holding a transaction id in the server, sampled every 100 ms while the
   * path was measured: its age, and what it was doing when older than 100 ms (share of samples).
   */
  horizon: { ageMs: Distribution; holders: { state: string; statement: string; share: number }[] };
}

export interface MessagingSection {
  concurrency: number;
  conversations: number;
  warmupSeconds: number;
  /** Measured seconds per path, in `rounds` windows taken in turns. */
  seconds: number;
  rounds: number;
  /** Unmeasured start of each window. */
  windowSettleMs: number;
  /** How long after the last window the events are awaited at most. */
  drainLimitSeconds: number;
  logLevel: string;
  /** The messaging service's built main.js, when another build than this tree's (BENCH_MESSAGING_MAIN). */
  entry?: string;
  /** Orders placed, accepted and put into production over HTTP; then every conversation seen opened on messaging.events. */
  setup: { seconds: number; openedSeconds: number };
  /** From the last window's end until every accepted request's event had arrived (or arrivals stopped). */
  drainSeconds: number;
  /** Messages per conversation and photos per order at the end: both streams grow through the run. */
  eventsPerStream: Record<PostPath, number>;
  results: Record<PostPath, PathResult>;
  loadAvg: { before: number; after: number };
}

/** Each measured window opens with this much unmeasured time: the other path's last events settle. */
const WINDOW_SETTLE_MS = 200;
const DRAIN_LIMIT_MS = 60_000;
const env = process.env;

/**
 * A staff member's message posted through the messaging service's HTTP API → its MessagePosted on
 * `messaging.events`, against the orders append path in the same run: a photo attached to an order
 * in production through the orders service's HTTP API → its ArrangementPhotoAttached on
 * `orders.events`. Both are one command on an existing stream (read, fold, decide, append one
 * event) published by the service's relay. Both services are the real, built ones, in processes
 * of their own; the load generator and a kafkajs consumer of both topics are this process.
 *
 * Knobs: BENCH_MESSAGING_SECONDS=20 (measured per path)  BENCH_MESSAGING_WARMUP_SECONDS=3
 * BENCH_MESSAGING_CONCURRENCY=16  BENCH_MESSAGING_CONVERSATIONS=200  BENCH_MESSAGING_LOG_LEVEL=info (both services')
 * BENCH_MESSAGING_MAIN=<another build's dist/apps/messaging/src/main.js>
 */
export async function messagingSection(ctx: BenchContext): Promise<MessagingSection> {
  const concurrency = Number(env.BENCH_MESSAGING_CONCURRENCY ?? 16);
  const conversations = Number(env.BENCH_MESSAGING_CONVERSATIONS ?? 200);
  const warmupSeconds = Number(env.BENCH_MESSAGING_WARMUP_SECONDS ?? 3);
  const seconds = Number(env.BENCH_MESSAGING_SECONDS ?? 20);
  const logLevel = env.BENCH_MESSAGING_LOG_LEVEL ?? 'info';
  const entry = env.BENCH_MESSAGING_MAIN ? resolve(env.BENCH_MESSAGING_MAIN) : undefined;
  const rounds = 4;
  // Each worker posts to conversations of its own: no two requests race for one stream's version.
  if (conversations < concurrency)
    throw new Error(`BENCH_MESSAGING_CONVERSATIONS (${conversations}) must be at least BENCH_MESSAGING_CONCURRENCY (${concurrency})`);
  const loadBefore = loadavg()[0];
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    process.stdout.write('  starting the orders and messaging services … ');
    const pair = await startServicePair(ctx.infra, { messagingEntry: entry ?? MESSAGING_MAIN, logLevel });
    cleanups.push(() => pair.stop());
    say(`orders ${pair.orders.url} (pid ${pair.orders.pid}), messaging ${pair.messaging.url} (pid ${pair.messaging.pid})`);
    const watch = await KafkaWatch.start(
      ctx.infra.brokers,
      [pair.topics.ordersEvents, pair.topics.messagingEvents],
      `bench.messaging.${process.pid}.watch`,
      keysOf(pair),
    );
    cleanups.push(() => watch.stop());
    const orders = new HttpClient(concurrency);
    const messaging = new HttpClient(concurrency);
    cleanups.push(async () => {
      orders.close();
      messaging.close();
    });
    const auth = { authorization: `Bearer ${new AccessTokenSigner(pair.signingKey).sign({ role: 'staff', sub: 'bench', shopId: 's1' })}` };

    const setupStart = performance.now();
    const orderIds = await placeOrdersInProduction(pair, orders, auth, conversations, concurrency);
    const placedSeconds = (performance.now() - setupStart) / 1000;
    const notOpened = await watch.awaitAll(
      orderIds.map((id) => `opened:${id}`),
      60_000,
      15_000,
    );
    if (notOpened)
      throw new Error(
        `${notOpened} of ${orderIds.length} conversations were not opened on messaging.events within 60 s (see .data/bench-logs/messaging-section-messaging.log)`,
      );
    const setup = { seconds: placedSeconds, openedSeconds: (performance.now() - setupStart) / 1000 };
    say(
      `  ${orderIds.length} orders placed, accepted and in production in ${setup.seconds.toFixed(1)} s; all their conversations open after ${setup.openedSeconds.toFixed(1)} s`,
    );

    const ops = pathOps(pair, { orders, messaging }, auth, orderIds, concurrency);
    const pids: CpuPids = {
      ordersService: pair.orders.pid,
      messagingService: pair.messaging.pid,
      postgres: ctx.infra.postgresPid,
      broker: ctx.infra.brokerPid,
    };
    const paths: PostPath[] = ['messaging', 'orders'];
    const checked: Record<PostPath, string[]> = { messaging: [], orders: [] };
    // One request each before the load: a body the API no longer takes fails with its answer, not a table of errors.
    for (const path of paths) checked[path].push(await ops[path](0));
    const warmups: Record<PostPath, PostWindow[]> = { messaging: [], orders: [] };
    const windows: Record<PostPath, PostWindow[]> = { messaging: [], orders: [] };
    const horizons: Record<PostPath, HorizonSamples> = { messaging: emptyHorizon(), orders: emptyHorizon() };
    process.stdout.write(`  ${concurrency} concurrent, ${warmupSeconds} s warm-up each, then ${rounds} turns of ${seconds / rounds} s: `);
    for (const path of paths) warmups[path].push(await postWindow(ops[path], { concurrency, warmupMs: warmupSeconds * 1000, durationMs: 0, pids }));
    for (let r = 0; r < rounds; r++) {
      for (const path of r % 2 === 0 ? paths : [...paths].reverse()) {
        const stopSampling = sampleHorizon(ctx.infra.pool, horizons[path]);
        windows[path].push(await postWindow(ops[path], { concurrency, warmupMs: WINDOW_SETTLE_MS, durationMs: (seconds * 1000) / rounds, pids }));
        await stopSampling();
        process.stdout.write(`${path} `);
      }
    }
    const lastEnd = performance.now();
    const owed = paths.flatMap((p) => [...checked[p], ...[...warmups[p], ...windows[p]].flatMap((w) => w.accepted.map((a) => a.key))]);
    await watch.awaitAll(owed, DRAIN_LIMIT_MS);
    const drainSeconds = (performance.now() - lastEnd) / 1000;
    say(`… drained in ${drainSeconds.toFixed(1)} s`);

    const results = {} as Record<PostPath, PathResult>;
    for (const path of paths) {
      results[path] = pathResult(path, concurrency, windows[path], [...warmups[path], ...windows[path]], checked[path], watch, horizons[path]);
      const x = results[path];
      say(
        `  ${PATH_NAMES[path].padEnd(58)} accepted ${fmt.rate(x.acceptedPerSec)}/s, on Kafka ${fmt.rate(x.onKafkaPerSec)}/s; ` +
          `POST → answer p50 ${fmt.ms(x.answerMs.p50)} ms p99 ${fmt.ms(x.answerMs.p99)} ms; POST → on Kafka p50 ${fmt.ms(x.kafkaMs.p50)} ms p99 ${fmt.ms(x.kafkaMs.p99)} ms (produced p50 ${fmt.ms(x.producedMs.p50)} ms p99 ${fmt.ms(x.producedMs.p99)} ms); ` +
          `oldest writing transaction p50 ${fmt.ms(x.horizon.ageMs.p50)} ms p99 ${fmt.ms(x.horizon.ageMs.p99)} ms; ` +
          `missing ${x.missing}, duplicates ${x.duplicates}` +
          (x.cores.other !== undefined && x.cores.other >= 0.1 ? `  [other load ${x.cores.other.toFixed(2)} cores]` : '') +
          (x.errors ? `  (${x.errors} errors: ${x.firstError})` : ''),
      );
    }
    return {
      concurrency,
      conversations,
      warmupSeconds,
      seconds,
      rounds,
      windowSettleMs: WINDOW_SETTLE_MS,
      drainLimitSeconds: DRAIN_LIMIT_MS / 1000,
      logLevel,
      entry,
      setup,
      drainSeconds,
      eventsPerStream: { messaging: results.messaging.accepted / orderIds.length, orders: results.orders.accepted / orderIds.length },
      results,
      loadAvg: { before: loadBefore, after: loadavg()[0] },
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: Error) => say(`  cleanup: ${err.message}`));
  }
}

export const PATH_NAMES: Record<PostPath, string> = {
  messaging: 'messaging: POST …/channels/internal/messages',
  orders: 'orders (baseline): POST /orders/:id/production/photos',
};

/** The events the bench matches requests by: conversations opened, messages posted, photos attached. */
function keysOf(pair: ServicePair): KeyOf {
  return (topic, event) => {
    if (topic === pair.topics.messagingEvents) {
      if (event.type === 'ConversationOpened') return `opened:${String(event.data.orderId)}`;
      if (event.type === 'MessagePosted') return `message:${String(event.data.messageId)}`;
    } else if (topic === pair.topics.ordersEvents && event.type === 'ArrangementPhotoAttached') {
      return `photo:${String(event.data.photoRef)}`;
    }
    return undefined;
  };
}

const refused = (what: string, answer: Answer) => new Error(`${what}: HTTP ${answer.status}: ${answer.body.slice(0, 300)}`);

/**
 * `count` orders placed as the orders service's users do (POST /orders, the body the HTTP section
 * uses), each accepted and put into production: the photo path needs an order in production, and
 * every placed order opens a conversation in the messaging service through `orders.events`.
 */
async function placeOrdersInProduction(
  pair: ServicePair,
  client: HttpClient,
  auth: Record<string, string>,
  count: number,
  concurrency: number,
): Promise<string[]> {
  const body = placeOrderBody();
  const ids: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const placed = await client.post(`${pair.orders.url}/orders`, auth, body);
      if (placed.status !== 201) throw refused('POST /orders (does placeOrderBody() in bench/http/order-body.ts still match the order API?)', placed);
      const { orderId } = JSON.parse(placed.body) as { orderId: string };
      for (const step of ['accept', 'production/start']) {
        const answer = await client.post(`${pair.orders.url}/orders/${orderId}/${step}`, auth, {});
        if (answer.status !== 200) throw refused(`POST /orders/:id/${step}`, answer);
      }
      ids.push(orderId);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return ids;
}

/**
 * The two measured requests. Worker w takes turns over its own share of the orders (and so of
 * their conversations); each request's event is known by the message id in the answer
 * (messaging) or by the photo reference it sent, unique in the run (orders).
 */
function pathOps(
  pair: ServicePair,
  clients: Record<PostPath, HttpClient>,
  auth: Record<string, string>,
  orderIds: string[],
  concurrency: number,
): Record<PostPath, PostOp> {
  const shares = Array.from({ length: concurrency }, (_, w) => orderIds.filter((_, i) => i % concurrency === w));
  const turns: Record<PostPath, number[]> = { messaging: new Array(concurrency).fill(0), orders: new Array(concurrency).fill(0) };
  const orderFor = (path: PostPath, w: number) => shares[w][turns[path][w]++ % shares[w].length];
  const run = randomUUID().slice(0, 8);
  // One author posts at most POSTING_LIMIT in a conversation a minute: the shop's staff take turns
  // (a few hundred of them), so the bench measures the append path, not the limit's refusals.
  const tokens = new AccessTokenSigner(pair.signingKey);
  const staffAuth = Array.from({ length: 256 }, (_, i) => ({
    authorization: `Bearer ${tokens.sign({ role: 'staff', sub: `bench-${i}`, shopId: 's1' })}`,
  }));
  let posted = 0;
  let photos = 0;
  return {
    messaging: async (w) => {
      const orderId = orderFor('messaging', w);
      const text = `Bench note ${++posted}: the bouquet for this order is being wrapped now.`;
      const answer = await clients.messaging.post(
        `${pair.messaging.url}/conversations/${orderId}/channels/internal/messages`,
        staffAuth[posted % staffAuth.length],
        { text },
      );
      if (answer.status !== 201) throw refused('POST /conversations/:orderId/channels/internal/messages', answer);
      const { messageId } = JSON.parse(answer.body) as { messageId?: unknown };
      if (typeof messageId !== 'string') throw new Error(`201 without a messageId: ${answer.body.slice(0, 300)}`);
      return `message:${messageId}`;
    },
    orders: async (w) => {
      const orderId = orderFor('orders', w);
      const photoRef = `photos/bench/${run}/${++photos}.jpg`;
      const answer = await clients.orders.post(`${pair.orders.url}/orders/${orderId}/production/photos`, auth, { photoRef });
      if (answer.status !== 200) throw refused('POST /orders/:id/production/photos', answer);
      return `photo:${photoRef}`;
    },
  };
}

const PREFIX: Record<PostPath, string> = { messaging: 'message:', orders: 'photo:' };

function pathResult(
  path: PostPath,
  concurrency: number,
  measured: PostWindow[],
  all: PostWindow[],
  checked: string[],
  watch: KafkaWatch,
  horizon: HorizonSamples,
): PathResult {
  const seconds = measured.reduce((n, w) => n + (w.to - w.from), 0) / 1000;
  const inside = (w: PostWindow, t: number) => t >= w.from && t <= w.to;
  const answeredInWindows = measured.reduce((n, w) => n + w.accepted.filter((a) => inside(w, a.answeredAt)).length, 0);
  const sentInWindows: Accepted[] = measured.flatMap((w) => w.accepted.filter((a) => inside(w, a.sentAt)));
  const acceptedKeys = new Set([...checked, ...all.flatMap((w) => w.accepted.map((a) => a.key))]);
  let onKafka = 0;
  let arrivalSpanMs = 0;
  for (const w of measured) {
    const arrivals = w.accepted.filter((a) => inside(w, a.sentAt)).flatMap((a) => watch.firstSeen.get(a.key) ?? []);
    if (arrivals.length < 2) continue;
    onKafka += arrivals.length;
    arrivalSpanMs += arrivals.reduce((a, b) => Math.max(a, b)) - arrivals.reduce((a, b) => Math.min(a, b));
  }
  let unaccounted = 0;
  for (const key of watch.firstSeen.keys()) if (key.startsWith(PREFIX[path]) && !acceptedKeys.has(key)) unaccounted++;
  let duplicates = 0;
  for (const [key, n] of watch.times) if (key.startsWith(PREFIX[path])) duplicates += n - 1;
  const missing = [...acceptedKeys].filter((k) => !watch.firstSeen.has(k)).length;
  const sum = (f: (w: PostWindow) => number | undefined) =>
    measured.reduce<number | undefined>((n, w) => {
      const v = f(w);
      return n === undefined || v === undefined ? undefined : n + v;
    }, 0);
  const cpu = {
    orders: sum((w) => w.cpu.ordersService),
    messaging: sum((w) => w.cpu.messagingService),
    postgres: sum((w) => w.cpu.postgres),
    broker: sum((w) => w.cpu.broker),
    bench: sum((w) => w.cpu.bench) ?? 0,
    machine: sum((w) => w.cpu.machine),
  };
  const cores = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000 / seconds);
  const perRequest = (ms: number | undefined) => (ms === undefined || !answeredInWindows ? undefined : (ms * 1000) / answeredInWindows);
  const tracked = (cpu.orders ?? 0) + (cpu.messaging ?? 0) + (cpu.postgres ?? 0) + (cpu.broker ?? 0) + cpu.bench;
  const firstError = all.find((w) => w.firstError)?.firstError;
  return {
    path,
    concurrency,
    acceptedPerSec: answeredInWindows / seconds,
    onKafkaPerSec: arrivalSpanMs > 0 ? onKafka / (arrivalSpanMs / 1000) : Number.NaN,
    answerMs: distribution(sentInWindows.map((a) => a.answeredAt - a.sentAt)),
    kafkaMs: distribution(
      sentInWindows.flatMap((a) => {
        const at = watch.firstSeen.get(a.key);
        return at === undefined ? [] : [at - a.sentAt];
      }),
    ),
    // The record's timestamp is the service's wall clock: compared with the send time on the same machine's.
    producedMs: distribution(
      sentInWindows.flatMap((a) => {
        const at = watch.producedAt.get(a.key);
        return at === undefined ? [] : [at - (performance.timeOrigin + a.sentAt)];
      }),
    ),
    accepted: acceptedKeys.size,
    errors: all.reduce((n, w) => n + w.errors, 0),
    firstError,
    missing,
    duplicates,
    unaccounted,
    seconds,
    cores: {
      orders: cores(cpu.orders),
      messaging: cores(cpu.messaging),
      postgres: cores(cpu.postgres),
      broker: cores(cpu.broker),
      bench: cores(cpu.bench) ?? Number.NaN,
      other: cpu.machine !== undefined ? Math.max(0, cpu.machine - tracked) / 1000 / seconds : undefined,
    },
    serviceUsPerRequest: perRequest(path === 'messaging' ? cpu.messaging : cpu.orders),
    postgresUsPerRequest: perRequest(cpu.postgres),
    brokerUsPerRequest: perRequest(cpu.broker),
    horizon: {
      ageMs: distribution(horizon.ages),
      holders: [...horizon.holders.values()]
        .sort((a, b) => b.samples - a.samples)
        .slice(0, 6)
        .map((h) => ({ state: h.state, statement: h.statement, share: h.samples / Math.max(1, horizon.ages.length) })),
    },
  };
}
