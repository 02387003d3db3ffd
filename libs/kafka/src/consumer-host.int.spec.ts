import { createEventDecoder, deadLetterTopic, PoisonMessageError } from '@petalpost/contracts';
import { ProcessorRegistry } from '@petalpost/platform';
import type { EntityManager } from 'typeorm';
import type { ConsumedMessage } from './message-processor';
import { createKafka, ensureTopics } from './kafka-client';
import { eventually, FAST_RETRIES, kafkaTestEnv, readTopic, sleep, testEvent, uncommitted, type KafkaTestEnv } from './kafka-int.fixture';

/** The effect a service would notice: rows in its own schema, written in the message's transaction. */
async function applyEffect(manager: EntityManager, message: ConsumedMessage): Promise<void> {
  await manager.query(`INSERT INTO effects (event_id, stream_id) VALUES ($1, $2)`, [message.headers['event-id'], message.key]);
  await manager.query(`INSERT INTO counters (stream_id, value) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET value = counters.value + 1`, [message.key]);
}

describe('ConsumerHost (real Kafka and PostgreSQL)', () => {
  let env: KafkaTestEnv;

  const counter = async (streamId: string): Promise<number> => {
    const rows = await env.db.dataSource.query<{ value: number }[]>(`SELECT value FROM counters WHERE stream_id = $1`, [streamId]);
    return rows[0]?.value ?? 0;
  };
  const effectsPerEvent = async (): Promise<Map<string, number>> => {
    const rows = await env.db.dataSource.query<{ event_id: string; n: number }[]>(`SELECT event_id, count(*)::int AS n FROM effects GROUP BY event_id`);
    return new Map(rows.map((r) => [r.event_id, r.n]));
  };
  const inboxHas = async (messageId: string): Promise<boolean> =>
    (await env.db.dataSource.query<unknown[]>(`SELECT 1 FROM inbox WHERE message_id = $1`, [messageId])).length > 0;

  beforeAll(async () => {
    env = await kafkaTestEnv('khost');
    // No unique key on effects: a message applied twice would show as two rows.
    await env.db.dataSource.query(`CREATE TABLE effects (event_id text NOT NULL, stream_id text, applied_at timestamptz NOT NULL DEFAULT now())`);
    await env.db.dataSource.query(`CREATE TABLE counters (stream_id text PRIMARY KEY, value integer NOT NULL)`);
  });
  afterAll(() => env?.close());

  it('applies an event delivered three times once, and commits every offset', async () => {
    const topic = await env.topic('dupes', 3);
    const groupId = env.group('dupes');
    const event = testEvent('stream-dupes', 1);
    for (let i = 0; i < 3; i++) await env.publisher.publish(topic, [event]);
    const later = testEvent('stream-dupes', 2);
    await env.publisher.publish(topic, [later]);

    let calls = 0;
    const host = env.consumer({
      groupId,
      topics: [topic],
      handle: async (message, manager) => {
        calls++;
        await applyEffect(manager, message);
      },
    });
    await host.start();

    await eventually(async () => expect(await counter('stream-dupes')).toBe(2));
    await eventually(async () => {
      expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0, 0, 0]);
    });
    expect(calls).toBe(2);
    expect((await effectsPerEvent()).get(event.eventId)).toBe(1);
    expect(host.status().details).toMatchObject({ handled: 2, duplicates: 2, deadLettered: 0 });
  });

  it('dead-letters poison messages with dlq-* headers and keeps their partition flowing', async () => {
    const topic = await env.topic('poison', 1);
    const groupId = env.group('poison');
    const decode = createEventDecoder([]);
    const handled: string[] = [];
    const attempts = new Map<string, number>();
    const host = env.consumer({
      groupId,
      topics: [topic],
      retries: FAST_RETRIES,
      handle: async (message) => {
        const marker = message.headers['test-marker'] ?? 'event';
        attempts.set(marker, (attempts.get(marker) ?? 0) + 1);
        decode(message.value); // not JSON -> PoisonMessageError
        if (marker === 'refused') throw new PoisonMessageError('order 17 names no shop');
        if (marker === 'broken') throw new TypeError('cannot read properties of undefined');
        handled.push(message.headers['event-id']);
      },
    });
    await host.start();

    const good = [testEvent('s', 1), testEvent('s', 2), testEvent('s', 3)];
    await env.publisher.send(topic, [{ key: 'k-json', value: Buffer.from('{not json'), headers: { 'test-marker': 'not-json', 'correlation-id': 'c-1' } }]);
    await env.publisher.publish(topic, [good[0]]);
    await env.publisher.send(topic, [{ key: 'k-refused', value: good[0], headers: { 'test-marker': 'refused' } }]);
    await env.publisher.publish(topic, [good[1]]);
    await env.publisher.send(topic, [{ key: 'k-broken', value: good[0], headers: { 'test-marker': 'broken' } }]);
    await env.publisher.publish(topic, [good[2]]);

    await eventually(() => expect(handled).toEqual(good.map((e) => e.eventId)));
    const dead = await readTopic(env.kafka, deadLetterTopic(groupId).name, 3);
    const header = (i: number, name: string) => dead[i].headers?.[name]?.toString();
    expect(dead.map((m) => m.key?.toString())).toEqual(['k-json', 'k-refused', 'k-broken']);
    expect(dead[0].value?.toString()).toBe('{not json');
    expect(header(0, 'correlation-id')).toBe('c-1');
    expect(header(0, 'dlq-error')).toBe('message value is not JSON');
    expect(header(0, 'dlq-error-class')).toBe('PoisonMessageError');
    expect(header(1, 'dlq-error')).toBe('order 17 names no shop');
    expect(header(2, 'dlq-error-class')).toBe('TypeError');
    for (let i = 0; i < 3; i++) {
      expect(header(i, 'dlq-original-topic')).toBe(topic);
      expect(header(i, 'dlq-original-partition')).toBe('0');
      expect(header(i, 'dlq-original-offset')).toBe(String(i * 2));
      expect(Date.parse(header(i, 'dlq-failed-at')!)).toBeGreaterThan(Date.now() - 60_000);
    }
    // Poison goes at once; a plain error is tried as often as the policy says.
    expect(Object.fromEntries(attempts)).toMatchObject({ 'not-json': 1, refused: 1, broken: FAST_RETRIES.attempts });
    await eventually(async () => {
      expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0]);
    });
  });

  it('keeps a message uncommitted while its dead-letter topic cannot be written, and parks it once it can', async () => {
    const topic = await env.topic('dlq-down', 1);
    const groupId = env.group('dlq-down');
    const dlq = deadLetterTopic(groupId);
    // Short kafkajs retries, so a failing dead-letter send gives up in well under a second.
    const impatient = createKafka({
      clientId: groupId,
      brokers: env.brokers,
      logger: env.logger,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    });
    const host = env.consumer({
      kafka: impatient,
      groupId,
      topics: [topic],
      retries: FAST_RETRIES,
      handle: async () => {
        throw new PoisonMessageError('never valid');
      },
    });
    await host.start();
    const admin = env.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [dlq.name] });
    // The controller answers once the deletion is committed; the broker applies it a moment later.
    // Until it does, a send to the topic still succeeds, so wait until the broker has dropped it.
    await eventually(async () => expect(await admin.listTopics()).not.toContain(dlq.name), 10_000);
    await env.publisher.publish(topic, [testEvent('stream-dlq-down', 1)]);

    await eventually(() => {
      const { deadLettered, retriedLater } = host.status().details as { deadLettered: number; retriedLater: number };
      expect({ deadLettered, retriedTwice: retriedLater >= 2 }).toEqual({ deadLettered: 0, retriedTwice: true });
    }, 20_000);
    expect(await uncommitted(env.kafka, groupId, topic)).toEqual([1]);
    expect(host.status().details).toMatchObject({ deadLettered: 0 });

    await eventually(() => ensureTopics(env.kafka, [dlq]), 10_000);
    await admin.disconnect();
    await eventually(() => expect(host.status().details).toMatchObject({ deadLettered: 1 }), 20_000);
    await eventually(async () => expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0]));
    const [parked] = await readTopic(env.kafka, dlq.name, 1);
    expect(parked.headers?.['dlq-error']?.toString()).toBe('never valid');
  });

  it('retries a handler that fails twice, then applies the message once without dead-lettering it', async () => {
    const topic = await env.topic('flaky', 1);
    const groupId = env.group('flaky');
    let calls = 0;
    const host = env.consumer({
      groupId,
      topics: [topic],
      retries: FAST_RETRIES,
      handle: async (message, manager) => {
        calls++;
        await applyEffect(manager, message);
        if (calls <= 2) throw new Error(`database hiccup ${calls}`);
      },
    });
    await host.start();
    const event = testEvent('stream-flaky', 1);
    await env.publisher.publish(topic, [event]);

    await eventually(async () => expect(await counter('stream-flaky')).toBe(1));
    expect(calls).toBe(3);
    expect((await effectsPerEvent()).get(event.eventId)).toBe(1);
    expect(host.status().details).toMatchObject({ handled: 1, deadLettered: 0 });
  });

  it('rolls back the effect and the inbox row of a handler that throws after writing', async () => {
    const topic = await env.topic('rollback', 1);
    const groupId = env.group('rollback');
    const host = env.consumer({
      groupId,
      topics: [topic],
      retries: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
      handle: async (message, manager) => {
        await applyEffect(manager, message);
        throw new Error('the rider service said no');
      },
    });
    await host.start();
    const event = testEvent('stream-rollback', 1);
    await env.publisher.publish(topic, [event]);

    await eventually(() => expect(host.status().details).toMatchObject({ deadLettered: 1 }));
    expect(await counter('stream-rollback')).toBe(0);
    expect((await effectsPerEvent()).get(event.eventId)).toBeUndefined();
    expect(await inboxHas(event.eventId)).toBe(false);
  });

  it.each([
    ['one message per transaction', 1],
    ['messages sharing transactions', 8],
  ])('neither loses nor repeats messages across a stop in the middle of a handler and a restart (%s)', async (_mode, messagesPerTransaction) => {
    const topic = await env.topic(`restart-${messagesPerTransaction}`, 3);
    const groupId = env.group(`restart-${messagesPerTransaction}`);
    const events = Array.from({ length: 30 }, (_, i) => testEvent(`stream-restart-${i % 5}`, Math.floor(i / 5) + 1));
    await env.publisher.publish(topic, events);

    const admin = env.kafka.admin();
    await admin.connect();
    // What the group had committed for a partition while one of its messages was being handled.
    const committedWhileHandling: { offset: bigint; committed: bigint }[] = [];
    const handler = (onHandled: (n: number) => void) => {
      let n = 0;
      return async (message: ConsumedMessage, manager: EntityManager) => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const committed = offsets.partitions.find((p) => p.partition === message.partition)!.offset;
        committedWhileHandling.push({ offset: BigInt(message.offset), committed: BigInt(committed) });
        await applyEffect(manager, message);
        await sleep(20);
        onHandled(++n);
      };
    };

    let stopping: Promise<void> | undefined;
    const first = env.consumer({
      groupId,
      topics: [topic],
      messagesPerTransaction,
      handle: handler((n) => {
        // Stop while this message's transaction is still open: it must finish and be committed.
        if (n === 10) stopping = first.stop();
      }),
    });
    await first.start();
    await eventually(() => expect(stopping).toBeDefined());
    await stopping;
    const firstHandled = (first.status().details as { handled: number }).handled;
    expect(firstHandled).toBeGreaterThanOrEqual(10);
    expect(firstHandled).toBeLessThan(30);
    expect(first.status().ready).toBe(false);

    const second = env.consumer({ groupId, topics: [topic], messagesPerTransaction, handle: handler(() => undefined) });
    await second.start();
    await eventually(async () => {
      const applied = await effectsPerEvent();
      expect(events.filter((e) => !applied.has(e.eventId))).toEqual([]);
    });
    await eventually(async () => {
      expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0, 0, 0]);
    });
    await admin.disconnect();

    const applied = await effectsPerEvent();
    expect(events.every((e) => applied.get(e.eventId) === 1)).toBe(true);
    expect((second.status().details as { handled: number }).handled).toBe(30 - firstHandled);
    // Never was an offset committed past a message still being handled.
    expect(committedWhileHandling.every(({ offset, committed }) => committed <= offset)).toBe(true);
  });

  it('reports not ready before joining, lag while behind, progress, and not ready after stop', async () => {
    const topic = await env.topic('status', 1);
    const groupId = env.group('status');
    await env.publisher.publish(
      topic,
      Array.from({ length: 5 }, (_, i) => testEvent('stream-status', i + 1)),
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const registry = new ProcessorRegistry();
    const host = env.consumer({ groupId, topics: [topic], registry, handle: () => gate });

    expect(registry.statuses()).toEqual([expect.objectContaining({ name: `kafka:${groupId}`, ready: false })]);
    await host.start();
    await eventually(() => expect(host.status()).toMatchObject({ ready: true, lag: 5 }));
    expect(host.status().lastProgressAt).toBeUndefined();

    release();
    await eventually(() => expect(host.status()).toMatchObject({ ready: true, lag: 0 }));
    expect(Date.parse(host.status().lastProgressAt!)).toBeGreaterThan(Date.now() - 10_000);
    expect(registry.statuses()[0]).toMatchObject({ ready: true, lag: 0 });

    await host.stop();
    await host.stop(); // idempotent
    expect(host.status()).toMatchObject({ ready: false, details: { state: 'stopped', handled: 5 } });
  });

  describe('with messages sharing a transaction', () => {
    /** Applies like applyEffect, and notes the order and the transaction each message was applied in. */
    const applyAndNote = async (message: ConsumedMessage, manager: EntityManager): Promise<void> => {
      await applyEffect(manager, message);
      const { streamVersion } = JSON.parse(message.value!.toString()) as { streamVersion: number };
      await manager.query(`INSERT INTO applied (stream_id, stream_version, txid) VALUES ($1, $2, txid_current())`, [message.key, streamVersion]);
    };
    const applied = (streamPrefix: string) =>
      env.db.dataSource.query<{ stream_id: string; stream_version: number; txid: string }[]>(
        `SELECT stream_id, stream_version, txid::text FROM applied WHERE stream_id LIKE $1 ORDER BY seq`,
        [`${streamPrefix}%`],
      );

    beforeAll(() =>
      env.db.dataSource.query(`CREATE TABLE applied (seq bigserial PRIMARY KEY, stream_id text NOT NULL, stream_version int NOT NULL, txid bigint NOT NULL)`),
    );

    it('applies each message once, in its stream order, in far fewer transactions than messages', async () => {
      const topic = await env.topic('shared', 3);
      const groupId = env.group('shared');
      const events = Array.from({ length: 120 }, (_, i) => testEvent(`stream-shared-${i % 6}`, Math.floor(i / 6) + 1));
      await env.publisher.publish(topic, events);
      // Redelivered copies, as after a producer retry: the inbox must drop them inside a shared transaction too.
      await env.publisher.publish(topic, events.slice(0, 12));

      const host = env.consumer({ groupId, topics: [topic], messagesPerTransaction: 25, handle: applyAndNote });
      await host.start();
      await eventually(async () => expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0, 0, 0]));

      const rows = await applied('stream-shared-');
      expect(rows).toHaveLength(120);
      const perEvent = await effectsPerEvent();
      expect(events.every((e) => perEvent.get(e.eventId) === 1)).toBe(true);
      for (let s = 0; s < 6; s++) {
        const versions = rows.filter((r) => r.stream_id === `stream-shared-${s}`).map((r) => r.stream_version);
        expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
      expect(new Set(rows.map((r) => r.txid)).size).toBeLessThanOrEqual(120 / 5);
      expect(host.status().details).toMatchObject({ handled: 120, duplicates: 12, deadLettered: 0 });
    });

    it('applies a message delivered twice within one shared transaction once', async () => {
      const topic = await env.topic('shared-twice', 1);
      const groupId = env.group('shared-twice');
      const [first, second] = [testEvent('stream-st', 1), testEvent('stream-st', 2)];
      await env.publisher.publish(topic, [first, first, second, first]);

      const host = env.consumer({ groupId, topics: [topic], messagesPerTransaction: 20, handle: applyAndNote });
      await host.start();
      await eventually(async () => expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0]));

      expect((await applied('stream-st')).map((r) => r.stream_version)).toEqual([1, 2]);
      expect(host.status().details).toMatchObject({ handled: 2, duplicates: 2 });
    });

    it('parks a poison message of a shared transaction alone and applies its neighbours once', async () => {
      const topic = await env.topic('shared-poison', 1);
      const groupId = env.group('shared-poison');
      const good = Array.from({ length: 9 }, (_, i) => testEvent('stream-sp', i + 1));
      await env.publisher.publish(topic, good.slice(0, 4));
      await env.publisher.send(topic, [{ key: 'stream-sp', value: Buffer.from('{not json'), headers: { 'test-marker': 'poison' } }]);
      await env.publisher.publish(topic, good.slice(4));

      const decode = createEventDecoder([]);
      const attempts = new Map<string, number>();
      // The whole topic is already there, so the first fetch holds all ten and one transaction takes them.
      const host = env.consumer({
        groupId,
        topics: [topic],
        retries: FAST_RETRIES,
        messagesPerTransaction: 50,
        handle: async (message, manager) => {
          const id = message.headers['event-id'] ?? 'poison';
          attempts.set(id, (attempts.get(id) ?? 0) + 1);
          decode(message.value);
          await applyAndNote(message, manager);
        },
      });
      await host.start();
      await eventually(async () => expect(await uncommitted(env.kafka, groupId, topic)).toEqual([0]));

      const [parked] = await readTopic(env.kafka, deadLetterTopic(groupId).name, 1);
      expect(parked.value?.toString()).toBe('{not json');
      expect((await applied('stream-sp')).map((r) => r.stream_version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const perEvent = await effectsPerEvent();
      expect(good.every((e) => perEvent.get(e.eventId) === 1)).toBe(true);
      // The four before the poison ran in the failed shared transaction and again alone; nothing of the first run stayed.
      expect(good.slice(0, 4).every((e) => attempts.get(e.eventId) === 2)).toBe(true);
      expect(attempts.get('poison')).toBe(2);
      expect(host.status().details).toMatchObject({ handled: 9, deadLettered: 1 });
    });
  });
});
