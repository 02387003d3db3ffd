import { randomUUID } from 'node:crypto';
import type { IntegrationEvent, TopicSpec } from '@petalpost/contracts';
import { currentContext, type Logger } from '@petalpost/platform';
import { createTestDatabase, eventually, type TestDatabase, testInfra, uniqueName } from '@petalpost/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';
import pino from 'pino';

import { ConsumerHost, type ConsumerHostOptions } from './consumer-host';
import { EventPublisher } from './event-publisher';
import { inboxMigration } from './inbox.migration';
import { createKafka, ensureTopics } from './kafka-client';

/** Fast group membership for tests: 6 s is the broker's minimum session timeout. */
export const FAST_GROUP = { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000 };
export const FAST_RETRIES = { attempts: 3, initialDelayMs: 50, maxDelayMs: 200 };

/** A schema of the test file's own with the inbox migrated, configured the way services configure theirs. */
function createInboxDatabase(prefix: string): Promise<TestDatabase> {
  return createTestDatabase({ migrations: [inboxMigration()], prefix });
}

export { eventually };

export type LogLine = Record<string, unknown> & { level: string; msg?: string };

/**
 * One test file's world on the shared broker and database: its own schema (with the inbox),
 * topics and groups under a random namespace, and a logger that keeps its lines for assertions.
 */
export interface KafkaTestEnv {
  kafka: Kafka;
  brokers: string[];
  db: TestDatabase;
  logger: Logger;
  logs: LogLine[];
  publisher: EventPublisher;
  /** Creates `<namespace>.<name>` with that many partitions. */
  topic(name: string, partitions: number): Promise<string>;
  group(name: string): string;
  consumer(options: Omit<ConsumerHostOptions, 'kafka' | 'logger' | 'dataSource'> & Partial<ConsumerHostOptions>): ConsumerHost;
  close(): Promise<void>;
}

export async function kafkaTestEnv(prefix: string): Promise<KafkaTestEnv> {
  const { kafkaBrokers } = testInfra();
  const namespace = uniqueName(prefix);
  const logs: LogLine[] = [];
  const logger = pino(
    {
      level: 'debug',
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentContext();
        return ctx ? { correlationId: ctx.correlationId } : {};
      },
    },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  const kafka = createKafka({ clientId: namespace, brokers: kafkaBrokers, logger });
  const db = await createInboxDatabase(prefix);
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const hosts: ConsumerHost[] = [];
  return {
    kafka,
    brokers: kafkaBrokers,
    db,
    logger,
    logs,
    publisher,
    async topic(name, partitions) {
      const spec: TopicSpec = { name: `${namespace}.${name}`, partitions, key: 'test', config: {} };
      await ensureTopics(kafka, [spec]);
      return spec.name;
    },
    group: (name) => `petalpost.${namespace}.${name}`,
    consumer(options) {
      const host = new ConsumerHost({ kafka, logger, dataSource: db.dataSource, fromBeginning: true, group: FAST_GROUP, ...options });
      hosts.push(host);
      return host;
    },
    async close() {
      await Promise.allSettled(hosts.map((host) => host.stop()));
      // KAFKA_TEST_LOGS=warn (or debug, info) prints what the consumers logged, for a failing run.
      const level = process.env.KAFKA_TEST_LOGS;
      if (level) {
        const wanted = new Set(['debug', 'info', 'warn', 'error'].slice(['debug', 'info', 'warn', 'error'].indexOf(level)));
        for (const line of logs) if (wanted.has(line.level)) process.stderr.write(`${JSON.stringify(line)}\n`);
      }
      await publisher.disconnect();
      await db.drop();
    },
  };
}

export function testEvent(streamId: string, streamVersion: number, data: unknown = { n: streamVersion }): IntegrationEvent {
  return {
    eventId: randomUUID(),
    type: 'CounterIncremented',
    schemaVersion: 1,
    streamId,
    streamVersion,
    shopId: 'shop-1',
    data,
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date().toISOString() },
  };
}

/** Reads a topic from its start with a plain kafkajs consumer until `count` messages arrived. */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader.${topic}.${randomUUID()}`, maxWaitTimeInMs: 200, ...FAST_GROUP });
  const messages: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${messages.length} of ${count} messages of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Per partition, how many messages lie past the group's committed offset (a partition never committed counts from 0). */
export async function uncommitted(kafka: Kafka, groupId: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [[offsets], ends] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
    return [...ends]
      .sort((a, b) => a.partition - b.partition)
      .map(({ partition, high }) => {
        const committed = Number(offsets.partitions.find((p) => p.partition === partition)?.offset ?? -1);
        return Number(high) - Math.max(committed, 0);
      });
  } finally {
    await admin.disconnect();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
