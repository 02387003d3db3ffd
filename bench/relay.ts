import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OutboxRelay } from '@petalpost/event-store';
import { createKafka, ensureTopics, EventPublisher } from '@petalpost/kafka';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { BenchContext } from './lib/context';
import { benchMetadata, orderPlacedData, STREAM_TYPE, streamId, toIntegrationEvent } from './lib/fixtures';
import { type Distribution, distribution, fmt, say, sleep, wallNow } from './lib/measure';

/** The label of the relay this tree ships; a candidate relay is measured under its own. */
export const CURRENT_RELAY = 'current OutboxRelay + EventStore';

export interface RatePhase {
  targetRate: number;
  seconds: number;
  appended: number;
  appendRate: number;
  /** Appends the scheduler could not issue because too many were in flight. */
  skipped: number;
  appendMs: Distribution;
  /** The relay's rate over the phase's events: events / (last ack − first ack). */
  deliveredRate: number;
  /** deliveredRate / appendRate over the same events. */
  throughputRatio: number;
  /** Append committed (its call resolved) → the broker acknowledged the batch holding it. */
  commitToAckMs: Distribution;
  /** Append committed → the consumer's batch holding it. */
  commitToConsumedMs: Distribution;
  /** Append called (timestamp in the event data) → consumed: what a user of the events sees. */
  sentToConsumedMs: Distribution;
  /** head − checkpoint (global positions), sampled every 100 ms. */
  lagEvents: Distribution;
  /** Published batches during the phase, and how long each publish (send → acks=all) took. */
  batches: number;
  publishMs: Distribution;
  /** Time from one publish's ack to the next publish's start: idle delay + readAll + checkpoint. */
  betweenPublishesMs: Distribution;
  lost: number;
}

export interface RelaySection {
  /** Which relay and store ran: the current ones, or a candidate's. */
  label: string;
  topic: string;
  partitions: number;
  capacity: { events: number; seconds: number; rate: number; batches: number };
  rates: RatePhase[];
  rateNote?: string;
}

const PARTITIONS = 3;
const RELAY_NAME = 'bench.relay';
const BACKLOG = 30_000;
const MAX_IN_FLIGHT = 256;

/** The consumer child: ready once it joined its group; then answers `count` and `report`. */
class ConsumerChild {
  private constructor(private readonly child: ChildProcess) {}

  static async start(brokers: string[], topic: string): Promise<ConsumerChild> {
    const child = fork(join(__dirname, 'relay-consumer.js'), [], {
      env: { ...process.env, BENCH_BROKERS: brokers.join(','), BENCH_TOPIC: topic, BENCH_GROUP: `${topic}.watch` },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
      child.once('exit', (code) => reject(new Error(`bench consumer exited (${code}) before joining its group`)));
    });
    await within(ready, 30_000, 'the bench consumer did not join its group within 30 s');
    return new ConsumerChild(child);
  }

  private ask<T>(cmd: string, key: string): Promise<T> {
    return new Promise<T>((resolve) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (key in m) {
          this.child.off('message', onMessage);
          resolve(m[key] as T);
        }
      };
      this.child.on('message', onMessage);
      this.child.send({ cmd });
    });
  }

  count(): Promise<number> {
    return this.ask('count', 'count');
  }

  report(): Promise<[string, number][]> {
    return this.ask('report', 'records');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ cmd: 'stop' });
    if (
      !(await within(
        exited.then(() => true),
        10_000,
        '',
      ).catch(() => false))
    )
      this.child.kill('SIGKILL');
  }
}

async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 5): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await sleep(pollMs);
  }
  return false;
}

export async function relaySection(ctx: BenchContext, rates: number[], rateNote: string | undefined): Promise<RelaySection> {
  const { infra } = ctx;
  // With a candidate relay, the candidate store appends and relays (it may wake its relay on append).
  const Relay = ctx.candidate?.Relay ?? OutboxRelay;
  const store = ctx.candidate?.Relay ? ctx.candidate.store : ctx.store;
  const { pool, dataSource } = infra;
  const logger = pino({ level: 'error' }, pino.destination(2));
  const kafka = createKafka({ clientId: 'bench-relay', brokers: infra.brokers, logger });
  const topic = `bench.relay.${process.pid}`;
  await ensureTopics(kafka, [{ name: topic, partitions: PARTITIONS, key: 'stream id', config: {} }]);
  const cleanups: Array<() => Promise<unknown>> = [];
  if (!infra.embeddedKafka) {
    cleanups.push(async () => {
      const admin = new Kafka({ brokers: infra.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
  }
  try {
    const consumer = await ConsumerChild.start(infra.brokers, topic);
    cleanups.push(() => consumer.stop());
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    cleanups.push(() => publisher.disconnect());

    const ackAt = new Map<string, number>();
    let acked = 0;
    let batches = 0;
    let publishMs: number[] = [];
    let betweenMs: number[] = [];
    let lastAck: number | undefined;
    const relay = new Relay(dataSource, store, {
      name: RELAY_NAME,
      logger,
      publish: async (events) => {
        const sendAt = wallNow();
        if (lastAck !== undefined) betweenMs.push(sendAt - lastAck);
        await publisher.publish(topic, events.map(toIntegrationEvent));
        const at = wallNow();
        publishMs.push(at - sendAt);
        lastAck = at;
        for (const e of events) ackAt.set(e.eventId, at);
        acked += events.length;
        batches++;
      },
    });

    // 1. Capacity: the last BACKLOG events of the log (written by the earlier sections), drained from a checkpoint.
    const { rows } = await pool.query(
      `SELECT transaction_id::text AS tx, global_position AS pos FROM events
        ORDER BY transaction_id DESC, global_position DESC OFFSET $1 LIMIT 1`,
      [BACKLOG],
    );
    const backlog = rows.length ? BACKLOG : Number((await pool.query(`SELECT count(*) AS n FROM events`)).rows[0].n);
    await pool.query(`INSERT INTO checkpoints (processor_id, last_tx, last_pos) VALUES ($1, $2::xid8, $3)`, [
      RELAY_NAME,
      rows[0]?.tx ?? '0',
      rows[0]?.pos ?? 0,
    ]);
    process.stdout.write(`  relay drains a backlog of ${backlog} events … `);
    const drainStart = performance.now();
    relay.start();
    cleanups.push(() => relay.stop());
    if (!(await waitUntil(() => acked >= backlog, 120_000))) throw new Error(`the relay published ${acked} of ${backlog} events within 120 s`);
    const drainSeconds = (performance.now() - drainStart) / 1000;
    // Without earlier sections the log is empty and there is no backlog to measure capacity on.
    const capacity = { events: backlog, seconds: drainSeconds, rate: backlog > 0 ? backlog / drainSeconds : Number.NaN, batches };
    say(backlog > 0 ? `${fmt.rate(capacity.rate)} events/s (${batches} batches)` : 'nothing to drain (run the append section first for this figure)');
    await waitUntil(async () => (await consumer.count()) >= backlog, 60_000, 100);

    // 2. Fixed append rates, open loop, while the relay publishes and the consumer stamps.
    const ratePhases: RatePhase[] = [];
    const seconds = Math.max(2, ctx.durationMs / 1000 + 2);
    for (const rate of rates) {
      process.stdout.write(`  relay at ${rate} appends/s (1 event each) for ${seconds} s … `);
      const sentAt = new Map<string, number>();
      const commitAt = new Map<string, number>();
      const appendMs: number[] = [];
      const lagSamples: number[] = [];
      let inFlight = 0;
      let skipped = 0;
      const batchesBefore = batches;
      publishMs = [];
      betweenMs = [];
      lastAck = undefined;
      const pending: Promise<void>[] = [];
      const fire = () => {
        inFlight++;
        const sent = wallNow();
        const t0 = performance.now();
        pending.push(
          store
            .append(streamId(), STREAM_TYPE, 0, [{ type: 'OrderPlaced', data: orderPlacedData({ benchSentAt: sent }) }], benchMetadata())
            .then((result) => {
              const committed = wallNow();
              appendMs.push(performance.now() - t0);
              const id = result.events[0].eventId;
              sentAt.set(id, sent);
              commitAt.set(id, committed);
            })
            .finally(() => inFlight--),
        );
      };
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const r = await pool.query(
            `SELECT (SELECT coalesce(max(global_position), 0) FROM events) - (SELECT last_pos FROM checkpoints WHERE processor_id = $1) AS lag`,
            [RELAY_NAME],
          );
          lagSamples.push(Number(r.rows[0].lag));
          await sleep(100);
        }
      })();
      const start = performance.now();
      let issued = 0;
      for (;;) {
        const elapsed = performance.now() - start;
        if (elapsed >= seconds * 1000) break;
        const due = Math.floor((rate * elapsed) / 1000);
        for (; issued < due; issued++) {
          if (inFlight >= MAX_IN_FLIGHT) skipped++;
          else fire();
        }
        await sleep(1);
      }
      await Promise.allSettled(pending);
      const ids = [...commitAt.keys()];
      await waitUntil(() => ids.every((id) => ackAt.has(id)), 15_000);
      sampling = false;
      await sampler;
      const consumedAt = new Map<string, number>();
      await waitUntil(
        async () => {
          for (const [id, at] of await consumer.report()) consumedAt.set(id, at);
          return ids.every((id) => consumedAt.has(id));
        },
        15_000,
        100,
      );
      const commits = [...commitAt.values()];
      /** Per event that reached `to`, its time there minus its time in `from`. */
      const gaps = (to: Map<string, number>, from: Map<string, number>) =>
        ids.flatMap((id) => {
          const end = to.get(id);
          const begin = from.get(id);
          return end === undefined || begin === undefined ? [] : [end - begin];
        });
      const acks = ids.map((id) => ackAt.get(id)).filter((t): t is number => t !== undefined);
      const appendSpan = (Math.max(...commits) - Math.min(...commits)) / 1000;
      const ackSpan = (Math.max(...acks) - Math.min(...acks)) / 1000;
      const appendRate = ids.length / appendSpan;
      const deliveredRate = acks.length / ackSpan;
      const result: RatePhase = {
        targetRate: rate,
        seconds,
        appended: ids.length,
        appendRate,
        skipped,
        appendMs: distribution(appendMs),
        deliveredRate,
        throughputRatio: deliveredRate / appendRate,
        commitToAckMs: distribution(gaps(ackAt, commitAt)),
        commitToConsumedMs: distribution(gaps(consumedAt, commitAt)),
        sentToConsumedMs: distribution(gaps(consumedAt, sentAt)),
        lagEvents: distribution(lagSamples),
        batches: batches - batchesBefore,
        publishMs: distribution(publishMs),
        betweenPublishesMs: distribution(betweenMs),
        lost: ids.filter((id) => !consumedAt.has(id)).length,
      };
      ratePhases.push(result);
      say(
        `appended ${fmt.rate(appendRate)}/s, relayed ${fmt.rate(deliveredRate)}/s; commit→ack p99 ${fmt.ms(result.commitToAckMs.p99)} ms; ` +
          `end-to-end p99 ${fmt.ms(result.sentToConsumedMs.p99)} ms` +
          (result.lost ? `; ${result.lost} not consumed` : '') +
          (skipped ? `; ${skipped} appends not issued (${MAX_IN_FLIGHT} in flight)` : ''),
      );
    }
    return { label: ctx.candidate?.Relay ? ctx.candidate.label : CURRENT_RELAY, topic, partitions: PARTITIONS, capacity, rates: ratePhases, rateNote };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: Error) => say(`  cleanup: ${err.message}`));
  }
}
