import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { CONSUMER_GROUPS, deadLetterTopic, namespaced, TOPICS } from '@petalpost/contracts';
import { commandMessage } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import type { OrdersConfig } from './orders.config';
import { ordersService } from './orders.service';

const tokens = developmentTokens();
const day = `${new Date().getUTCFullYear() + 1}-01-15`;

interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  valueTruncated: boolean;
  eventId: string | null;
  error: string | null;
  errorClass: string | null;
  failedAt: string | null;
  original: { topic: string; partition: number; offset: string } | null;
  replayedAt: string | null;
}
interface DeadLetterTopic {
  topic: string;
  group: string;
  count: number;
  latest: DeadLetter[];
}

/** The orders service's dead letters for operators: what its commands consumer parked, listed from the real broker and replayed once. */
describe('orders dead letters (real service, Postgres and Kafka)', () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let kafka: Kafka;
  let producer: Producer;
  let probe: Consumer;
  const commandsSeen: KafkaMessage[] = [];
  const shop = uniqueName('shop');
  const staff = tokens.sign({ sub: 'sam', role: 'staff', shopId: shop } as Principal);
  const operator = tokens.sign({ sub: 'olga', role: 'operator' } as Principal);
  const commandsTopic = () => namespaced(TOPICS.ordersCommands.name, namespace);
  const deadLetterTopicName = () => deadLetterTopic(namespaced(CONSUMER_GROUPS.ordersCommands.group, namespace)).name;

  async function call<T = Record<string, unknown>>(method: string, path: string, token: string, body?: unknown) {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }
  const place = async () => {
    const placed = await call<{ orderId: string }>('POST', '/orders', staff, {
      items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
      deliveryWindow: { from: `${day}T13:00:00+01:00`, to: `${day}T15:00:00+01:00`, timeZone: 'Europe/Amsterdam' },
      buyer: { name: 'Sam' },
      recipient: { name: 'Rosa', address: { text: 'Lindenlaan 3' } },
    });
    expect(placed.status).toBe(201);
    return placed.body.orderId;
  };
  const assignRider = (orderId: string, riderId: string) => ({
    commandId: randomUUID(),
    type: 'AssignRider',
    schemaVersion: 1,
    orderId,
    shopId: shop,
    data: { riderId },
    metadata: { correlationId: randomUUID(), actor: { role: 'dispatcher', subject: 'dispatch', shopId: shop }, issuedAt: new Date().toISOString() },
  });
  const deadLetters = async () => {
    const answer = await call<{ items: DeadLetterTopic[] }>('GET', '/admin/dead-letters?limit=10', operator);
    expect(answer.status).toBe(200);
    return answer.body.items;
  };
  const parkedFor = async (orderId: string) => (await deadLetters()).flatMap((t) => t.latest).filter((d) => d.key === orderId);
  const replay = (d: Pick<DeadLetter, 'topic' | 'partition' | 'offset'>, token = operator) =>
    call<Record<string, unknown>>('POST', `/admin/dead-letters/${d.topic}/${d.partition}/${d.offset}/replay`, token, {});
  const seenWithId = (commandId: string) => commandsSeen.filter((m) => m.headers?.['event-id']?.toString() === commandId);

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersService, { KAFKA_NAMESPACE: namespace });
    kafka = new Kafka({ clientId: uniqueName('probe'), brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
    probe = kafka.consumer({ groupId: uniqueName('commands-probe'), maxWaitTimeInMs: 200 });
    await probe.subscribe({ topic: commandsTopic(), fromBeginning: true });
    await probe.run({ eachMessage: async ({ message }) => void commandsSeen.push(message) });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await probe?.disconnect();
    await service?.app.close();
  });

  it('lists a refused command with its error and origin, replays it once the order allows it, and publishes a second replay nowhere', async () => {
    const orderId = await place();
    // The order is not accepted yet: the rule refuses a rider, and the consumer parks the command.
    const command = assignRider(orderId, 'rider-7');
    const { key, value, headers } = commandMessage(command);
    await producer.send({ topic: commandsTopic(), messages: [{ key: String(key), value: JSON.stringify(value), headers: headers as Record<string, string> }] });

    const [parked] = await eventually(async () => {
      const found = await parkedFor(orderId);
      expect(found).toHaveLength(1);
      return found;
    }, 30_000);
    expect(parked).toMatchObject({
      topic: deadLetterTopicName(),
      partition: 0,
      key: orderId,
      eventId: command.commandId,
      errorClass: 'PoisonMessageError',
      valueTruncated: false,
      original: { topic: commandsTopic(), partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/) },
      replayedAt: null,
    });
    expect(parked.error).toMatch(/^RIDER_NOT_ASSIGNABLE: /);
    expect(JSON.parse(parked.value!)).toEqual(command);
    const [listed] = (await deadLetters()).filter((t) => t.topic === deadLetterTopicName());
    expect(listed).toMatchObject({ group: namespaced(CONSUMER_GROUPS.ordersCommands.group, namespace), count: 1 });

    // Staff accept the order: now the same command is allowed, and the operator replays it.
    expect((await call('POST', `/orders/${orderId}/accept`, staff, {})).status).toBe(200);
    expect((await replay(parked, staff)).status).toBe(403);
    const first = await replay(parked);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      outcome: 'replayed',
      deadLetter: { topic: parked.topic, partition: parked.partition, offset: parked.offset },
      republishedTo: commandsTopic(),
      replayedBy: 'olga',
    });
    await eventually(async () => expect((await call<{ riderId?: string }>('GET', `/orders/${orderId}`, staff)).body.riderId).toBe('rider-7'));

    const second = await replay(parked);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ outcome: 'already-replayed', replayedAt: first.body.replayedAt, replayedBy: 'olga' });
    // On the commands topic: the original and one replay, with the command's own headers and no dead-letter ones.
    await eventually(() => expect(seenWithId(command.commandId)).toHaveLength(2));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const copies = seenWithId(command.commandId);
    expect(copies).toHaveLength(2);
    expect(copies[1].value?.toString()).toBe(copies[0].value?.toString());
    expect(Object.keys(copies[1].headers ?? {}).filter((name) => name.startsWith('dlq-'))).toEqual([]);
    const history = await call<{ items: Array<{ type: string }> }>('GET', `/orders/${orderId}/history`, staff);
    expect(history.body.items.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderAccepted', 'RiderAssigned']);
    expect((await parkedFor(orderId))[0]).toMatchObject({ offset: parked.offset, replayedAt: first.body.replayedAt });
  });

  it('shows a poison value as text cut to a readable size, and answers replays of what is not there with 404 and bad offsets with 400', async () => {
    const orderId = randomUUID();
    await producer.send({ topic: commandsTopic(), messages: [{ key: orderId, value: `not JSON ${'x'.repeat(5_000)}` }] });
    const [parked] = await eventually(async () => {
      const found = await parkedFor(orderId);
      expect(found).toHaveLength(1);
      return found;
    }, 30_000);
    expect(parked).toMatchObject({ error: 'command value is not JSON', valueTruncated: true });
    expect(parked.value).toHaveLength(4_000);
    expect(parked.value!.startsWith('not JSON xxx')).toBe(true);

    const beyond = await replay({ ...parked, offset: String(BigInt(parked.offset) + 1000n) });
    expect([beyond.status, beyond.body.code]).toEqual([404, 'DEAD_LETTER_NOT_FOUND']);
    const elsewhere = await replay({ ...parked, topic: commandsTopic() });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'DEAD_LETTER_TOPIC_NOT_FOUND']);
    expect((await replay({ ...parked, offset: 'latest' })).status).toBe(400);
    expect((await call('GET', '/admin/dead-letters?limit=0', operator)).status).toBe(400);
    expect((await call('GET', '/admin/dead-letters', staff)).status).toBe(403);
  });
});
