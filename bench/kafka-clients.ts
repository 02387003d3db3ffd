import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { OutboxRelay } from '@petalpost/event-store';
import { createKafka, EventPublisher, kafkajsDriver, type KafkaClientName, type KafkaDriver, platformaticDriver } from '@petalpost/kafka';
import pino from 'pino';
import type { BenchContext } from './lib/context';
import { benchMetadata, orderPlacedData, STREAM_TYPE, streamId, toIntegrationEvent } from './lib/fixtures';
import { fmt, percentile, say, sleep, sortedCopy, wallNow } from './lib/measure';

export interface ClientFigures {
  client: KafkaClientName;
  /** Idempotent, acks=all, keyed batches of BATCH messages, SENDERS sends in flight on one producer. */
  produce: { messages: number; seconds: number; rate: number };
  /** A group member reading what the produce phase wrote, committing after each batch. */
  consume: { messages: number; seconds: number; rate: number };
  /** The real outbox relay publishing through EventPublisher on this client at a fixed append rate. */
  relay: { appended: number; acked: number; p50: number; p99: number; max: number };
}

export interface KafkaClientsSection {
  partitions: number;
  batch: number;
  senders: number;
  valueBytes: number;
  seconds: number;
  relayRate: number;
  clients: ClientFigures[];
}

const PARTITIONS = 3;
const BATCH = 100;
const SENDERS = 4;
const RELAY_MAX_IN_FLIGHT = 256;

/**
 * kafkajs and @platformatic/kafka behind the same driver port, measured in one run on the same
 * broker: produce, consume, and the outbox relay's commit → broker ack. Each phase runs for every
 * client before the next phase, kafkajs first in one phase and last in the next, so drift and
 * load from elsewhere fall on both.
 */
export async function kafkaClientsSection(ctx: BenchContext, options: { seconds: number; relayRate: number }): Promise<KafkaClientsSection> {
  const { infra } = ctx;
  const logger = pino({ level: 'error' }, pino.destination(2));
  const run = `${process.pid}.${randomUUID().slice(0, 6)}`;
  const drivers: Record<KafkaClientName, KafkaDriver> = {
    kafkajs: kafkajsDriver(createKafka({ clientId: `bench-kafkajs-${run}`, brokers: infra.brokers, logger })),
    platformatic: platformaticDriver({ clientId: `bench-platformatic-${run}`, brokers: infra.brokers }),
  };
  const names = Object.keys(drivers) as KafkaClientName[];
  const figures = Object.fromEntries(names.map((client) => [client, { client } as ClientFigures])) as Record<KafkaClientName, ClientFigures>;
  const topicOf = (client: KafkaClientName) => `bench.clients.${run}.${client}`;
  const admin = await drivers.kafkajs.admin();
  try {
    await admin.createTopics(names.map((client) => ({ name: topicOf(client), partitions: PARTITIONS, replicationFactor: 1 })));
  } finally {
    await admin.close();
  }
  const value = JSON.stringify(orderPlacedData({ pad: 'x'.repeat(64) }));
  // Two turns per phase, A B then B A, so that load from elsewhere and drift fall on both alike.
  const turns = [...names, ...[...names].reverse()];
  const halves = Math.max(1, options.seconds / 2);

  const produced = Object.fromEntries(names.map((n) => [n, [] as ClientFigures['produce'][]])) as Record<KafkaClientName, ClientFigures['produce'][]>;
  for (const client of turns) {
    process.stdout.write(`  produce through ${client.padEnd(12)} … `);
    const result = await producePhase(drivers[client], topicOf(client), value, halves);
    produced[client].push(result);
    say(`${fmt.rate(result.rate)} messages/s`);
  }
  const consumed = Object.fromEntries(names.map((n) => [n, [] as ClientFigures['consume'][]])) as Record<KafkaClientName, ClientFigures['consume'][]>;
  for (const client of turns) {
    process.stdout.write(`  consume through ${client.padEnd(12)} … `);
    const total = produced[client].reduce((sum, p) => sum + p.messages, 0);
    const result = await consumePhase(drivers[client], topicOf(client), total);
    consumed[client].push(result);
    say(`${fmt.rate(result.rate)} messages/s (${result.messages} in ${result.seconds.toFixed(2)} s)`);
  }
  const lags = Object.fromEntries(names.map((n) => [n, { appended: 0, gaps: [] as number[] }])) as Record<
    KafkaClientName,
    { appended: number; gaps: number[] }
  >;
  for (const client of turns) {
    process.stdout.write(`  relay through ${client.padEnd(14)} at ${options.relayRate} appends/s … `);
    const r = await relayPhase(ctx, drivers[client], topicOf(client), { seconds: halves, relayRate: options.relayRate }, logger);
    lags[client].appended += r.appended;
    lags[client].gaps.push(...r.gaps);
    const sorted = sortedCopy(r.gaps);
    say(`commit → ack p50 ${fmt.ms(percentile(sorted, 50))} ms, p99 ${fmt.ms(percentile(sorted, 99))} ms (${r.gaps.length} of ${r.appended} acked)`);
  }
  for (const client of names) {
    const total = (xs: { messages: number; seconds: number }[]) => {
      const messages = xs.reduce((sum, x) => sum + x.messages, 0);
      const seconds = xs.reduce((sum, x) => sum + x.seconds, 0);
      return { messages, seconds, rate: messages / seconds };
    };
    const gaps = sortedCopy(lags[client].gaps);
    figures[client].produce = total(produced[client]);
    figures[client].consume = total(consumed[client]);
    figures[client].relay = {
      appended: lags[client].appended,
      acked: gaps.length,
      p50: percentile(gaps, 50),
      p99: percentile(gaps, 99),
      max: gaps.length ? gaps[gaps.length - 1] : Number.NaN,
    };
  }
  return {
    partitions: PARTITIONS,
    batch: BATCH,
    senders: SENDERS,
    valueBytes: Buffer.byteLength(value),
    seconds: options.seconds,
    relayRate: options.relayRate,
    clients: names.map((n) => figures[n]),
  };
}

async function producePhase(driver: KafkaDriver, topic: string, value: string, seconds: number): Promise<ClientFigures['produce']> {
  const producer = driver.producer();
  await producer.connect();
  try {
    let sent = 0;
    let key = 0;
    const batch = () =>
      Array.from({ length: BATCH }, () => ({ key: `order-${key++ % 1000}`, value, headers: { 'event-id': randomUUID(), 'event-type': 'OrderPlaced' } }));
    // A short warm-up: connections, producer id, metadata.
    await producer.send(topic, batch());
    const start = performance.now();
    const deadline = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (performance.now() < deadline) {
          await producer.send(topic, batch());
          sent += BATCH;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    return { messages: sent, seconds: elapsed, rate: sent / elapsed };
  } finally {
    await producer.disconnect();
  }
}

async function consumePhase(driver: KafkaDriver, topic: string, atLeast: number): Promise<ClientFigures['consume']> {
  const consumer = driver.consumer({ groupId: `${topic}.consume.${randomUUID().slice(0, 6)}`, topics: [topic], fromBeginning: true, maxWaitTimeMs: 100 });
  let consumed = 0;
  let doneAt: number | undefined;
  await consumer.start(async (batch, control) => {
    consumed += batch.records.length;
    await control.commit(batch.records[batch.records.length - 1]);
    if (consumed >= atLeast) doneAt ??= performance.now();
  });
  // From the group joined (start resolved) to the commit that covered the last message.
  const start = performance.now();
  try {
    const deadline = start + 120_000;
    while (doneAt === undefined && performance.now() < deadline) await sleep(5);
    if (doneAt === undefined) throw new Error(`consumed ${consumed} of ${atLeast} messages within 120 s`);
    const seconds = (doneAt - start) / 1000;
    return { messages: consumed, seconds, rate: consumed / seconds };
  } finally {
    await consumer.stop();
  }
}

async function relayPhase(
  ctx: BenchContext,
  driver: KafkaDriver,
  topic: string,
  options: { seconds: number; relayRate: number },
  logger: pino.Logger,
): Promise<{ appended: number; gaps: number[] }> {
  const { pool, dataSource } = ctx.infra;
  const name = `bench.clients.relay.${driver.client}.${randomUUID().slice(0, 6)}`;
  // The relay starts at the head of the log: only this phase's appends are measured.
  const { rows } = await pool.query(
    `SELECT transaction_id::text AS tx, global_position AS pos FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  await pool.query(`INSERT INTO checkpoints (processor_id, last_tx, last_pos) VALUES ($1, $2::xid8, $3)`, [name, rows[0]?.tx ?? '0', rows[0]?.pos ?? 0]);
  const publisher = new EventPublisher(driver.producer());
  await publisher.connect();
  const ackAt = new Map<string, number>();
  const relay = new OutboxRelay(dataSource, ctx.store, {
    name,
    logger,
    publish: async (events) => {
      await publisher.publish(topic, events.map(toIntegrationEvent));
      const at = wallNow();
      for (const e of events) ackAt.set(e.eventId, at);
    },
  });
  relay.start();
  try {
    const commitAt = new Map<string, number>();
    const pending: Promise<void>[] = [];
    let inFlight = 0;
    const start = performance.now();
    let issued = 0;
    while (performance.now() - start < options.seconds * 1000) {
      const due = Math.floor((options.relayRate * (performance.now() - start)) / 1000);
      for (; issued < due; issued++) {
        if (inFlight >= RELAY_MAX_IN_FLIGHT) continue;
        inFlight++;
        pending.push(
          ctx.store
            .append(streamId(), STREAM_TYPE, 0, [{ type: 'OrderPlaced', data: orderPlacedData() }], benchMetadata())
            .then((result) => void commitAt.set(result.events[0].eventId, wallNow()))
            .finally(() => inFlight--),
        );
      }
      await sleep(1);
    }
    await Promise.allSettled(pending);
    const ids = [...commitAt.keys()];
    const deadline = performance.now() + 15_000;
    while (!ids.every((id) => ackAt.has(id)) && performance.now() < deadline) await sleep(10);
    const gaps = ids.flatMap((id) => {
      const [acked, committed] = [ackAt.get(id), commitAt.get(id)];
      return acked === undefined || committed === undefined ? [] : [acked - committed];
    });
    return { appended: ids.length, gaps };
  } finally {
    await relay.stop();
    await publisher.disconnect();
  }
}

/** The two clients' figures, kafkajs first. */
export function clientPair(k: KafkaClientsSection): [ClientFigures, ClientFigures] {
  const of = (client: KafkaClientName): ClientFigures => {
    const found = k.clients.find((c) => c.client === client);
    if (!found) throw new Error(`no figures for ${client}`);
    return found;
  };
  return [of('kafkajs'), of('platformatic')];
}

/** Rows: what, kafkajs, platformatic, platformatic ÷ kafkajs. */
export function kafkaClientsTable(k: KafkaClientsSection): { headers: string[]; rows: string[][] } {
  const [a, b] = clientPair(k);
  return {
    headers: ['measure', 'kafkajs 2.2.4', '@platformatic/kafka 2.12.1', 'platformatic ÷ kafkajs'],
    rows: [
      [
        `produce: messages/s (idempotent, acks=all, keyed, ${k.batch} per send, ${k.senders} sends in flight)`,
        fmt.rate(a.produce.rate),
        fmt.rate(b.produce.rate),
        fmt.ratio(b.produce.rate / a.produce.rate),
      ],
      [
        `consume: messages/s (group member, commit after each batch)`,
        fmt.rate(a.consume.rate),
        fmt.rate(b.consume.rate),
        fmt.ratio(b.consume.rate / a.consume.rate),
      ],
      [`relay at ${k.relayRate} appends/s: commit → broker ack p50 (ms)`, fmt.ms(a.relay.p50), fmt.ms(b.relay.p50), fmt.ratio(b.relay.p50 / a.relay.p50)],
      [`relay at ${k.relayRate} appends/s: commit → broker ack p99 (ms)`, fmt.ms(a.relay.p99), fmt.ms(b.relay.p99), fmt.ratio(b.relay.p99 / a.relay.p99)],
      [`relay: events acked of appended`, `${a.relay.acked} of ${a.relay.appended}`, `${b.relay.acked} of ${b.relay.appended}`, '–'],
    ],
  };
}
