import { currentContext, type RequestContext } from '@petalpost/platform';
import type { ConsumedMessage } from './message-processor';
import { ConfigResourceTypes } from 'kafkajs';
import { ensureTopics } from './kafka-client';
import { eventually, kafkaTestEnv, readTopic, testEvent, type KafkaTestEnv } from './kafka-int.fixture';

describe('publishing and consuming (real Kafka and PostgreSQL)', () => {
  let env: KafkaTestEnv;

  beforeAll(async () => {
    env = await kafkaTestEnv('kpub');
  });
  afterAll(() => env?.close());

  it('creates missing topics with their partitions and config, and leaves existing ones alone', async () => {
    const spec = { name: `${env.group('topics')}.created`, partitions: 2, key: 'test', config: { 'retention.ms': '3600000' } };
    expect(await ensureTopics(env.kafka, [spec])).toEqual({ created: [spec.name], existing: [] });
    expect(await ensureTopics(env.kafka, [spec, { ...spec, partitions: 5 }])).toEqual({ created: [], existing: [spec.name, spec.name] });

    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [spec.name] });
      expect(topics[0].partitions).toHaveLength(2);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configNames: ['retention.ms'] }],
      });
      expect(resources[0].configEntries.find((c) => c.configName === 'retention.ms')?.configValue).toBe('3600000');
    } finally {
      await admin.disconnect();
    }
  });

  it('delivers a published batch with the stream id as key, the whole event as value and every header', async () => {
    const topic = await env.topic('delivery', 3);
    const events = [testEvent('order-1', 1), testEvent('order-1', 2), testEvent('order-2', 1)];
    const seen: { message: ConsumedMessage; context?: RequestContext }[] = [];
    const host = env.consumer({
      groupId: env.group('delivery'),
      topics: [topic],
      handle: async (message) => {
        seen.push({ message, context: currentContext() });
      },
    });
    await host.start();
    await env.publisher.publish(topic, events);

    await eventually(() => expect(seen).toHaveLength(3));
    for (const event of events) {
      const { message, context } = seen.find((s) => s.message.headers['event-id'] === event.eventId)!;
      expect(message.key).toBe(event.streamId);
      expect(JSON.parse(message.value!.toString())).toEqual(event);
      expect(message.headers).toEqual({
        'event-id': event.eventId,
        'event-type': 'CounterIncremented',
        'schema-version': '1',
        'correlation-id': event.metadata.correlationId,
        'causation-id': event.metadata.causationId,
        traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      });
      expect(Number(message.timestamp)).toBeGreaterThan(Date.now() - 60_000);
      // Logs and events written while handling carry the message's correlation id and trace.
      expect(context).toEqual({ correlationId: event.metadata.correlationId, causationId: event.eventId, traceparent: message.headers.traceparent });
    }
    // One key, one partition: order-1's two events share a partition, in order.
    const order1 = seen.filter((s) => s.message.key === 'order-1').map((s) => s.message);
    expect(order1[0].partition).toBe(order1[1].partition);
    expect(BigInt(order1[0].offset)).toBeLessThan(BigInt(order1[1].offset));
  });

  it('sends commands with an object value as JSON and a Buffer value as it is', async () => {
    const topic = await env.topic('commands', 1);
    await env.publisher.send(topic, [
      { key: 'order-9', value: { type: 'AssignRider', riderId: 'r-1' }, headers: { 'correlation-id': 'c-9' } },
      { key: null, value: Buffer.from([0xff, 0x00]) },
    ]);
    const [command, raw] = await readTopic(env.kafka, topic, 2);
    expect(command.key?.toString()).toBe('order-9');
    expect(JSON.parse(command.value!.toString())).toEqual({ type: 'AssignRider', riderId: 'r-1' });
    expect(command.headers?.['correlation-id']?.toString()).toBe('c-9');
    expect(raw.key).toBeNull();
    expect(raw.value).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('keeps the order of each key across 3 partitions for 200 events on 10 keys', async () => {
    const topic = await env.topic('ordering', 3);
    const keys = Array.from({ length: 10 }, (_, k) => `order-${k}`);
    const received = new Map<string, number[]>(keys.map((k) => [k, []]));
    const partitionsOfKey = new Map<string, Set<number>>(keys.map((k) => [k, new Set()]));
    const host = env.consumer({
      groupId: env.group('ordering'),
      topics: [topic],
      handle: async (message) => {
        const event = JSON.parse(message.value!.toString()) as { streamId: string; streamVersion: number };
        received.get(event.streamId)!.push(event.streamVersion);
        partitionsOfKey.get(message.key!)!.add(message.partition);
      },
    });
    await host.start();
    // 10 batches of 20, each interleaving all keys, as a relay would publish them.
    for (let round = 0; round < 10; round++) {
      const batch = keys.flatMap((key) => [testEvent(key, round * 2 + 1), testEvent(key, round * 2 + 2)]);
      await env.publisher.publish(topic, batch);
    }

    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    await eventually(() => {
      for (const key of keys) expect(received.get(key)).toEqual(expected);
    }, 30_000);
    expect([...partitionsOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expect(new Set([...partitionsOfKey.values()].map((p) => [...p][0])).size).toBeGreaterThan(1);
  });
});
