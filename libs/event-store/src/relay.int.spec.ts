import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventMetadata } from '@petalpost/contracts';
import { createKafka, EventPublisher } from '@petalpost/kafka';
import { createLogger } from '@petalpost/platform';
import { createTestDatabase, createTestTopics, eventually, sampleInOrder, type TestDatabase, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, logLevel, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { loadCheckpoint } from './checkpoints';
import { EventStore } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';
import { OutboxRelay } from './relay';

const metadata: EventMetadata = { correlationId: 'c-relay', occurredAt: '2026-02-14T10:00:00.000Z' };
const logger = createLogger('relay-test', 'silent');

interface Published {
  eventId: string;
  streamId: string;
  streamVersion: number;
}

/** Everything published on a topic, in the order a consumer received it. */
async function watchTopic(topic: string): Promise<{ messages: Published[]; stop(): Promise<void> }> {
  const consumer: Consumer = new Kafka({ brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).consumer({ groupId: uniqueName('watch') });
  const messages: Published[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void messages.push(JSON.parse(String(message.value))) });
  return { messages, stop: () => consumer.disconnect() };
}

/** Per stream, the versions received after dropping repeats: must be 1..n with nothing missing. */
function versionsByStream(messages: Published[]): Map<string, number[]> {
  const seen = new Set<string>();
  const byStream = new Map<string, number[]>();
  for (const m of messages) {
    if (seen.has(m.eventId)) continue;
    seen.add(m.eventId);
    byStream.set(m.streamId, [...(byStream.get(m.streamId) ?? []), m.streamVersion]);
  }
  return byStream;
}

describe('outbox relay (real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let topic: string;

  beforeEach(async () => {
    db = await createTestDatabase({ migrations: [EventStore1764000000000], prefix: 'relay' });
    store = new EventStore(db.dataSource);
    topic = `${uniqueName('relay')}.events`;
    await createTestTopics([{ name: topic, partitions: 3 }]);
  });
  afterEach(() => db.drop());

  const appendStreams = async (streams: number, eventsPerStream: number) => {
    const ids = Array.from({ length: streams }, () => `s-${randomUUID()}`);
    for (let v = 0; v < eventsPerStream; v++) {
      await Promise.all(ids.map((id) => store.append(id, 'counter', v, [{ type: 'Counted', data: { n: v + 1 } }], metadata)));
    }
    return ids;
  };
  const relayFor = (publisher: EventPublisher, options: { batchSize?: number; standbyDelayMs?: number } = {}) =>
    new OutboxRelay(db.dataSource, store, {
      name: 'crash-test.relay',
      logger,
      ...options,
      publish: (events) =>
        publisher.publish(
          topic,
          events.map((e) => ({
            eventId: e.eventId,
            type: e.type,
            schemaVersion: e.schemaVersion,
            streamId: e.streamId,
            streamVersion: e.streamVersion,
            shopId: 's1',
            data: e.data,
            metadata: e.metadata,
          })),
        ),
    });

  it('loses nothing and keeps each stream in order when killed (SIGKILL) after the broker acked, before its checkpoint moved', async () => {
    await appendStreams(10, 10);
    const watch = await watchTopic(topic);
    const { kafkaBrokers, databaseUrl } = testInfra();
    const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', '..', 'dist', 'libs', 'event-store', 'src', 'relay-process.fixture.js')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_SCHEMA: db.schema,
        KAFKA_BROKERS: kafkaBrokers.join(','),
        TOPIC: topic,
        BATCH_SIZE: '20',
        PAUSE_AFTER_ACK_MS: '60000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const killedBatch = await new Promise<string[]>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        const line = String(chunk)
          .split('\n')
          .find((l) => l.startsWith('acked '));
        if (line) resolve(line.slice('acked '.length).split(','));
      });
      child.once('exit', (code) => reject(new Error(`relay process exited early (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await loadCheckpoint(db.dataSource.manager, 'crash-test.relay')).toEqual({ transactionId: '0', globalPosition: 0 });

    // A new relay resumes from the checkpoint: the killed batch goes out again, then the rest.
    const kafka = createKafka({ clientId: 'relay-test', brokers: kafkaBrokers, logger });
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const relay = relayFor(publisher, { batchSize: 20 });
    relay.start();
    try {
      await eventually(() => expect(new Set(watch.messages.map((m) => m.eventId)).size).toBe(100));
      const byStream = versionsByStream(watch.messages);
      expect(byStream.size).toBe(10);
      for (const versions of byStream.values()) expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Duplicates are exactly the batch that was acknowledged but not checkpointed.
      const counts = new Map<string, number>();
      for (const m of watch.messages) counts.set(m.eventId, (counts.get(m.eventId) ?? 0) + 1);
      const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      expect(repeated.sort()).toEqual([...killedBatch].sort());
      expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    } finally {
      await relay.stop();
      await publisher.disconnect();
      await watch.stop();
    }
  });

  it('publishes through exactly one of two relays at once, takes over when that one stops, and never moves the checkpoint back', async () => {
    const kafka = createKafka({ clientId: 'relay-test', brokers: testInfra().kafkaBrokers, logger });
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const watch = await watchTopic(topic);
    const relays = [relayFor(publisher, { standbyDelayMs: 100 }), relayFor(publisher, { standbyDelayMs: 100 })];
    relays.forEach((r) => r.start());
    const sampler = sampleInOrder(async () => (await loadCheckpoint(db.dataSource.manager, 'crash-test.relay')).globalPosition, 20);
    let checkpoints: number[] = [];
    try {
      await eventually(() => expect(relays.filter((r) => r.status().details?.leader)).toHaveLength(1));
      await appendStreams(5, 20);
      await eventually(() => expect(watch.messages).toHaveLength(100));
      expect(relays.filter((r) => r.status().details?.leader)).toHaveLength(1);

      const leader = relays.find((r) => r.status().details?.leader)!;
      const standby = relays.find((r) => r !== leader)!;
      await leader.stop();
      await eventually(() => expect(standby.status().details?.leader).toBe(true));
      await appendStreams(5, 4);
      await eventually(() => expect(new Set(watch.messages.map((m) => m.eventId)).size).toBe(120));
      // One leader at a time: nothing was published twice.
      expect(watch.messages).toHaveLength(120);
      for (const versions of versionsByStream(watch.messages).values()) expect(versions).toEqual(versions.map((_, i) => i + 1));
    } finally {
      checkpoints = await sampler.stop();
      await Promise.all(relays.map((r) => r.stop()));
      await publisher.disconnect();
      await watch.stop();
    }
    expect(checkpoints.length).toBeGreaterThan(5);
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
  });

  it('stalls behind an idle transaction holding an id — lag visible, nothing skipped — and recovers when it is killed', async () => {
    const kafka = createKafka({ clientId: 'relay-test', brokers: testInfra().kafkaBrokers, logger });
    const publisher = new EventPublisher(kafka);
    await publisher.connect();
    const watch = await watchTopic(topic);
    const relay = relayFor(publisher);
    relay.start();
    const idle = new Client({ connectionString: testInfra().databaseUrl });
    await idle.connect();
    idle.on('error', () => undefined); // it is going to be terminated
    try {
      await idle.query('BEGIN');
      const [{ pid }] = (await idle.query('SELECT pg_backend_pid() AS pid, pg_current_xact_id()')).rows;
      await appendStreams(4, 5);
      await eventually(() => expect(relay.status().lag).toBe(20), 5_000);
      expect(watch.messages).toHaveLength(0);

      const admin = new Client({ connectionString: testInfra().databaseUrl });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();
      await eventually(() => expect(watch.messages).toHaveLength(20));
      for (const versions of versionsByStream(watch.messages).values()) expect(versions).toEqual([1, 2, 3, 4, 5]);
      await eventually(() => expect(relay.status().lag).toBe(0), 5_000);
    } finally {
      await relay.stop();
      await publisher.disconnect();
      await watch.stop();
      await idle.end().catch(() => undefined);
    }
  });
});
