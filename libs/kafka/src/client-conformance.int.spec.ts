import { randomUUID } from 'node:crypto';
import { createLogger } from '@petalpost/platform';
import {
  createTestDatabase,
  eventually,
  startSwitchedKafkaBroker,
  type SwitchedKafkaBroker,
  type TestDatabase,
  testInfra,
  uniqueName,
} from '@petalpost/testing';
import { Partitioners } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { deadLetterOf } from './dead-letter';
import { kafkajsDriver, platformaticDriver, type IncomingRecord, type KafkaClientName, type KafkaDriver } from './driver';
import { EventPublisher } from './event-publisher';
import { DEAD_LETTER_HEADERS } from './headers';
import { inboxMigration } from './inbox.migration';
import { createKafka } from './kafka-client';

/**
 * The Kafka conformance of docs/kafka.md, run the same way through each client behind the driver
 * port, against the run's real Kafka 4.4.0 broker and PostgreSQL (and, for the broker outage, a
 * broker of this file's own that it stops and starts again).
 */
const logger = createLogger('client-conformance', 'silent');
/** Client-level retries for kafkajs (connects, metadata): bounded like a producer's, so an outage shows within seconds. */
const KAFKAJS_RETRY = { retries: 2, initialRetryTime: 200, maxRetryTime: 1_000 };
const makers: Record<KafkaClientName, (clientId: string, brokers: string[]) => KafkaDriver> = {
  kafkajs: (clientId, brokers) => kafkajsDriver(createKafka({ clientId, brokers, logger, logLevel: 'error', retry: KAFKAJS_RETRY })),
  platformatic: (clientId, brokers) => platformaticDriver({ clientId, brokers }),
};
/** Fast group membership: 6 s is the broker's minimum session timeout. */
const FAST_GROUP = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 200 };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let db: TestDatabase;
/** Started at once so that its start overlaps the cases before the one that needs it. */
const switchedBroker: Promise<SwitchedKafkaBroker> = startSwitchedKafkaBroker();
switchedBroker.catch(() => undefined);

beforeAll(async () => {
  db = await createTestDatabase({ migrations: [inboxMigration()], prefix: 'kconf' });
  await db.dataSource.query(`CREATE TABLE effects (id bigserial PRIMARY KEY, group_id text NOT NULL, message_key text, value text, member text NOT NULL)`);
});
afterAll(async () => {
  await (await switchedBroker.catch(() => undefined))?.destroy();
  await db?.drop();
});

/** Applies a record once per group: inbox row and effect in one transaction; false when it was a duplicate. */
async function applyOnce(groupId: string, record: IncomingRecord, member: string, during?: (manager: EntityManager) => Promise<void>): Promise<boolean> {
  return db.dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO inbox (group_id, message_id, topic, kafka_partition, kafka_offset) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
      [groupId, record.headers['event-id'] ?? `${record.topic}:${record.partition}:${record.offset}`, record.topic, record.partition, record.offset.toString()],
    );
    if (inserted.length === 0) return false;
    await manager.query(`INSERT INTO effects (group_id, message_key, value, member) VALUES ($1, $2, $3, $4)`, [
      groupId,
      record.key?.toString() ?? null,
      record.value?.toString() ?? null,
      member,
    ]);
    await during?.(manager);
    return true;
  });
}

async function effectsOf(groupId: string): Promise<{ message_key: string; value: string; member: string }[]> {
  return db.dataSource.query(`SELECT message_key, value, member FROM effects WHERE group_id = $1 ORDER BY id`, [groupId]);
}

/** Keyed messages `<key>#<n>` with an event id each: n counts up per key. */
function keyedMessages(keys: number, perKey: number, from = 1) {
  return Array.from({ length: perKey }, (_, i) => i + from).flatMap((n) =>
    Array.from({ length: keys }, (_, k) => ({ key: `key-${k}`, value: `key-${k}#${n}`, headers: { 'event-id': randomUUID() } })),
  );
}

/** Per key, the n of each value in the order given. */
function sequencesByKey(rows: { message_key: string; value: string }[]): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const { message_key, value } of rows) byKey.set(message_key, [...(byKey.get(message_key) ?? []), Number(value.split('#')[1])]);
  return byKey;
}

describe.each(Object.keys(makers) as KafkaClientName[])('Kafka conformance through %s (real Kafka 4.4.0 and PostgreSQL)', (client) => {
  const namespace = uniqueName(`kconf-${client}`);
  const driver = makers[client](namespace, testInfra().kafkaBrokers);
  const producer = driver.producer();
  const consumers: { stop(): Promise<void> }[] = [];

  const topic = async (name: string, partitions: number, config?: Record<string, string>) => {
    const admin = await driver.admin();
    try {
      await admin.createTopics([{ name: `${namespace}.${name}`, partitions, replicationFactor: 1, config }]);
    } finally {
      await admin.close();
    }
    return `${namespace}.${name}`;
  };
  const group = (name: string) => `${namespace}.${name}`;
  const withAdmin = async <T>(use: (admin: Awaited<ReturnType<KafkaDriver['admin']>>) => Promise<T>): Promise<T> => {
    const admin = await driver.admin();
    try {
      return await use(admin);
    } finally {
      await admin.close();
    }
  };
  const committed = (groupId: string, name: string) => withAdmin(async (admin) => (await admin.committedOffsets(groupId, name)).map((p) => p.offset));
  const highWatermarks = (name: string) => withAdmin(async (admin) => (await admin.highWatermarks(name)).map((p) => p.offset));
  const consumer = (options: Parameters<KafkaDriver['consumer']>[0]) => {
    const c = driver.consumer(options);
    consumers.push(c);
    return c;
  };

  /** Reads a topic from its start in a throwaway group until `done` says so. */
  async function readUntil(name: string, done: (records: IncomingRecord[]) => boolean, readCommitted = false): Promise<IncomingRecord[]> {
    const records: IncomingRecord[] = [];
    const reader = consumer({ groupId: `reader.${randomUUID()}`, topics: [name], fromBeginning: true, readCommitted, ...FAST_GROUP });
    await reader.start(async (batch) => void records.push(...batch.records));
    try {
      await eventually(() => expect(done(records)).toBe(true), 20_000);
      return records;
    } finally {
      await reader.stop();
    }
  }

  beforeAll(() => producer.connect());
  afterAll(async () => {
    await Promise.allSettled(consumers.map((c) => c.stop()));
    await producer.disconnect();
  });

  it('admin: describes the cluster, creates a topic with a config entry, lists it, its partitions, high watermarks and a group’s committed offsets', async () => {
    const name = await topic('admin', 3, { 'retention.ms': '3600000' });
    await producer.send(name, keyedMessages(3, 2));
    await withAdmin(async (admin) => {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toEqual([expect.objectContaining({ host: '127.0.0.1', port: Number(testInfra().kafkaBrokers[0].split(':')[1]) })]);
      expect(await admin.listTopics()).toContain(name);
      expect(await admin.partitions(name)).toEqual([0, 1, 2]);
      expect(await admin.topicConfig(name, 'retention.ms')).toBe('3600000');
      const ends = await admin.highWatermarks(name);
      expect(ends.map((e) => e.partition)).toEqual([0, 1, 2]);
      expect(ends.reduce((sum, e) => sum + e.offset, 0n)).toBe(6n);
      expect(await admin.committedOffsets(group('never-joined'), name)).toEqual([0, 1, 2].map((partition) => ({ partition, offset: null })));
    });
  });

  it('idempotent acks=all producer: a keyed batch keeps each key on the Java client’s partition, in order, with UTF-8 headers intact', async () => {
    const name = await topic('produce', 3);
    const messages = keyedMessages(6, 10).map((m) => ({ ...m, headers: { ...m.headers, note: 'Grüße aus Köln 🌷', empty: '' } }));
    await producer.send(name, messages);
    const records = await readUntil(name, (r) => r.length >= messages.length);
    expect(records).toHaveLength(60);
    const javaPartitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (let k = 0; k < 6; k++) {
      const ofKey = records.filter((r) => r.key?.toString() === `key-${k}`);
      expect(ofKey.map((r) => r.value?.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `key-${k}#${i + 1}`));
      expect(new Set(ofKey.map((r) => r.partition))).toEqual(
        new Set([javaPartitioner({ topic: name, partitionMetadata, message: { key: `key-${k}`, value: null } })]),
      );
    }
    const sent = new Map(messages.map((m) => [m.value, m.headers]));
    for (const r of records) expect(r.headers).toEqual(sent.get(r.value!.toString()));
  });

  it('refuses to produce to a topic that does not exist, and does not create it', async () => {
    const name = `${namespace}.missing`;
    const impatient = driver.producer({ retries: 2, retryDelayMs: 100 });
    await impatient.connect();
    try {
      await expect(impatient.send(name, [{ key: 'k', value: 'v' }])).rejects.toThrow();
    } finally {
      await impatient.disconnect();
    }
    expect(await withAdmin((admin) => admin.listTopics())).not.toContain(name);
  });

  it('consumer group: commits only after the database transaction; stopped mid-stream and restarted, it loses nothing and handles no committed message twice', async () => {
    const name = await topic('manual-commit', 2);
    const groupId = group('manual-commit');
    await producer.send(name, keyedMessages(4, 10));
    let handled = 0;
    const first = consumer({ groupId, topics: [name], fromBeginning: true, ...FAST_GROUP });
    let stopping: Promise<void> | undefined;
    await first.start(async (batch, control) => {
      for (const record of batch.records) {
        if (control.shouldLeave()) return;
        await applyOnce(groupId, record, 'first');
        await control.commit(record);
        // Stopped from inside a batch, as a deploy would: the batch in hand must end cleanly.
        if (++handled === 15) stopping = first.stop();
      }
    });
    await eventually(() => expect(stopping).toBeDefined());
    await stopping;
    const committedAtStop = await committed(groupId, name);
    expect((await effectsOf(groupId)).length).toBeGreaterThanOrEqual(15);
    expect(committedAtStop.reduce<bigint>((sum, o) => sum + (o ?? 0n), 0n)).toBeLessThan(40n);

    const redelivered: IncomingRecord[] = [];
    const second = consumer({ groupId, topics: [name], fromBeginning: true, ...FAST_GROUP });
    await second.start(async (batch, control) => {
      for (const record of batch.records) {
        redelivered.push(record);
        await applyOnce(groupId, record, 'second');
        await control.commit(record);
      }
    });
    await eventually(async () => expect(await committed(groupId, name)).toEqual(await highWatermarks(name)));
    await second.stop();
    const effects = await effectsOf(groupId);
    expect(effects).toHaveLength(40);
    expect(new Set(effects.map((e) => e.value)).size).toBe(40);
    // Nothing below a committed offset came back.
    for (const r of redelivered) expect(r.offset).toBeGreaterThanOrEqual(committedAtStop[r.partition] ?? 0n);
    for (const sequence of sequencesByKey(effects).values()) expect(sequence).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
  });

  it('rebalance with a handler in flight: a member joining during a slow handler leaves every message applied exactly once, in order per key', async () => {
    const name = await topic('rebalance', 4);
    const groupId = group('rebalance');
    await producer.send(name, keyedMessages(8, 5));
    let slowStarted!: () => void;
    const slowRunning = new Promise<void>((resolve) => (slowStarted = resolve));
    let slowDone = false;
    const member = (id: string) =>
      consumer({ groupId, topics: [name], fromBeginning: true, ...FAST_GROUP }).start(async (batch, control) => {
        for (const record of batch.records) {
          if (control.shouldLeave()) return;
          await applyOnce(groupId, record, id, async () => {
            if (id !== 'A' || slowDone) return;
            slowDone = true;
            slowStarted();
            // Half the session timeout: a member that heartbeats only between messages still survives it.
            await sleep(3_000);
          });
          await control.commit(record);
        }
      });
    await member('A');
    await slowRunning;
    await member('B');
    await producer.send(name, keyedMessages(8, 5, 6));

    await eventually(async () => expect((await effectsOf(groupId)).length).toBe(80), 40_000);
    await eventually(async () => expect(await committed(groupId, name)).toEqual(await highWatermarks(name)), 20_000);
    const effects = await effectsOf(groupId);
    expect(new Set(effects.map((e) => e.value)).size).toBe(80);
    for (const sequence of sequencesByKey(effects).values()) expect(sequence).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(new Set(effects.map((e) => e.member))).toEqual(new Set(['A', 'B']));
  });

  it('transactions: a read_committed consumer sees committed messages and never aborted ones; sendOffsets commits the group offset with the transaction only', async () => {
    const out = await topic('tx-out', 1);
    const transactional = driver.transactionalProducer(`${namespace}.tx`);
    await transactional.connect();
    try {
      for (const [values, outcome] of [
        [['c1', 'c2', 'c3'], 'commit'],
        [['a1', 'a2'], 'abort'],
        [['c4', 'c5'], 'commit'],
      ] as const) {
        const tx = await transactional.begin();
        await tx.send(
          out,
          values.map((value) => ({ key: 'k', value })),
        );
        await (outcome === 'commit' ? tx.commit() : tx.abort());
      }
      const seen = await readUntil(out, (r) => r.some((m) => m.value?.toString() === 'c5'), true);
      expect(seen.map((m) => m.value?.toString())).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);

      // Consume-transform-produce: the input's offsets go with the output, or not at all.
      const input = await topic('tx-in', 1);
      await producer.send(input, [
        { key: 'k', value: 'i1' },
        { key: 'k', value: 'i2' },
        { key: 'k', value: 'i3' },
      ]);
      for (const outcome of ['abort', 'commit'] as const) {
        const groupId = group(`tx-${outcome}`);
        let finished = false;
        const member = consumer({ groupId, topics: [input], fromBeginning: true, readCommitted: true, ...FAST_GROUP });
        await member.start(async (batch) => {
          if (finished || batch.records.length < 3) throw new Error(`expected the 3 input messages in one batch, got ${batch.records.length}`);
          const tx = await transactional.begin();
          await tx.send(
            out,
            batch.records.map((r) => ({ key: 'k', value: `${outcome}:${r.value}` })),
          );
          await tx.sendOffsets(member, batch.records);
          await (outcome === 'commit' ? tx.commit() : tx.abort());
          finished = true;
        });
        await eventually(() => expect(finished).toBe(true));
        await member.stop();
        expect(await committed(groupId, input)).toEqual([outcome === 'commit' ? 3n : null]);
      }
    } finally {
      await transactional.disconnect();
    }
  });

  it('dead-letter path: a poison message goes to <group>.dlq with its key, value, original headers and dlq-* headers, and its offset is committed', async () => {
    const name = await topic('poison', 1);
    const groupId = group('poison');
    const dlq = await topic('poison.dlq', 1).then(() => `${groupId}.dlq`);
    await producer.send(name, [
      { key: 'o-1', value: '{"n":1}', headers: { 'event-id': randomUUID() } },
      { key: 'o-2', value: 'not json', headers: { 'event-id': 'poison-1', 'correlation-id': 'c-ü' } },
      { key: 'o-3', value: '{"n":3}', headers: { 'event-id': randomUUID() } },
    ]);
    const member = consumer({ groupId, topics: [name], fromBeginning: true, ...FAST_GROUP });
    await member.start(async (batch, control) => {
      for (const record of batch.records) {
        try {
          JSON.parse(record.value!.toString());
          await applyOnce(groupId, record, 'A');
        } catch (err) {
          const message = { key: record.key, value: record.value, headers: record.headers, offset: record.offset.toString() };
          await producer.send(
            dlq,
            [deadLetterOf({ topic: record.topic, partition: record.partition, message }, err, new Date())].map((m) => ({ ...m, value: m.value as Buffer })),
          );
        }
        await control.commit(record);
      }
    });
    await eventually(async () => expect(await committed(groupId, name)).toEqual([3n]));
    expect((await effectsOf(groupId)).map((e) => e.value)).toEqual(['{"n":1}', '{"n":3}']);
    const [dead] = await readUntil(dlq, (r) => r.length >= 1);
    expect(dead.key?.toString()).toBe('o-2');
    expect(dead.value?.toString()).toBe('not json');
    expect(dead.headers).toEqual({
      'event-id': 'poison-1',
      'correlation-id': 'c-ü',
      [DEAD_LETTER_HEADERS.error]: expect.stringContaining('JSON'),
      [DEAD_LETTER_HEADERS.errorClass]: 'SyntaxError',
      [DEAD_LETTER_HEADERS.originalTopic]: name,
      [DEAD_LETTER_HEADERS.originalPartition]: '0',
      [DEAD_LETTER_HEADERS.originalOffset]: '1',
      [DEAD_LETTER_HEADERS.failedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('relay fault: with the broker gone a publish rejects, and after it is back the same publisher delivers; nothing is lost', async () => {
    const broker = await switchedBroker;
    const own = makers[client](`${namespace}.fault`, broker.brokers);
    const admin = await own.admin();
    const name = `${namespace}.fault`;
    await admin.createTopics([{ name, partitions: 2, replicationFactor: 1 }]);
    await admin.close();
    // What the outbox relay publishes through, with retries bounded as a relay needs them.
    const publisher = new EventPublisher(own.producer({ retries: 2, retryDelayMs: 200, requestTimeoutMs: 3_000 }));
    await publisher.connect();
    const batch = (n: number) => [0, 1, 2, 3].map((k) => ({ key: `key-${k}`, value: Buffer.from(`key-${k}#${n}`), headers: { 'event-id': randomUUID() } }));
    try {
      await publisher.send(name, batch(1));
      await broker.cut();
      const failing = batch(2);
      await expect(publisher.send(name, failing)).rejects.toThrow();
      await broker.restore();
      // The relay sends the batch again from its checkpoint, then goes on.
      await eventually(() => publisher.send(name, failing), 30_000, 500);
      await publisher.send(name, batch(3));
    } finally {
      await publisher.disconnect();
    }
    const reader = makers[client](`${namespace}.fault-reader`, broker.brokers).consumer({
      groupId: `reader.${randomUUID()}`,
      topics: [name],
      fromBeginning: true,
      ...FAST_GROUP,
    });
    consumers.push(reader);
    const records: IncomingRecord[] = [];
    await reader.start(async (b) => void records.push(...b.records));
    await eventually(() => expect(new Set(records.map((r) => r.value?.toString())).size).toBe(12), 20_000);
    await reader.stop();
    const distinct = [...new Map(records.map((r) => [r.value!.toString(), r])).values()];
    for (const sequence of sequencesByKey(distinct.map((r) => ({ message_key: r.key!.toString(), value: r.value!.toString() }))).values()) {
      expect(sequence).toEqual([1, 2, 3]);
    }
  }, 120_000);
});
