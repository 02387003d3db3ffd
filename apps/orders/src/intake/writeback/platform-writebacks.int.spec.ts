import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, type RiderPosition, TOPICS } from '@petalpost/contracts';
import { EventPublisher, HEADERS, headersFor } from '@petalpost/kafka';
import type { RunningService, ServiceDefinition } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../orders.config';
import { OrdersModule } from '../../orders.module';
import { ordersService } from '../../orders.service';
import { type Connection, sourceOf } from '../connections/intake-connections.store';
import type { IntakeOrderInput } from '../domain/intake-order';
import { IntakePlacer } from '../placing/intake-placer.service';
import type { PlatformAccess, PlatformConnector, PlatformStatus, RiderOnRecord } from '../platforms/platform-connector';
import { WRITEBACK_STATUSES, type WritebackPosition, type WritebackStatus } from './domain/writeback-plan';
import { WritebackFailure } from './writers/shop-status-writer';

// Our Kafka and PostgreSQL are real, and so is the orders service with its relay, consumers and
// write-back worker. The platform is not: a Chinese platform's connector stands in for it (defined
// below, registered as Meituan's), recording what the intake hands it and refusing when told to, so
// this spec is about what reaches a platform, in which order and how often — not about any one
// platform's request shapes (each platform's own specs and stand-in check those). Dispatch is not
// running either: its riders' events and positions are produced here as it produces them.

/** A platform's connector standing in for the third party: what it was told, in order. */
class RecordingPlatform implements PlatformConnector {
  readonly platform = 'meituan' as const;
  readonly statuses: readonly WritebackStatus[] = WRITEBACK_STATUSES;
  // Longer than the spec's ORDERS_INTAKE_POSITION_INTERVAL_MS, which overrides it.
  readonly positionIntervalMs = 300_000;
  readonly told: Array<{ externalRef: string; status: WritebackStatus; happenedAt: string; rider?: RiderOnRecord; position?: WritebackPosition }> = [];
  readonly attempts: Array<{ externalRef: string; status: WritebackStatus; at: number }> = [];
  private refusals = 0;

  /** The next `n` write-backs are refused as a platform refuses when it is down (retryable). */
  refuseNext(n: number): void {
    this.refusals = n;
  }

  toldOf(externalRef: string) {
    return this.told.filter((t) => t.externalRef === externalRef);
  }

  async write(access: PlatformAccess & { externalRef: string }, { facts, rider }: PlatformStatus): Promise<{ remoteRef?: string }> {
    this.attempts.push({ externalRef: access.externalRef, status: facts.status, at: Date.now() });
    if (this.refusals > 0) {
      this.refusals--;
      throw new WritebackFailure('platform answered HTTP 503', true);
    }
    this.told.push({ externalRef: access.externalRef, status: facts.status, happenedAt: facts.happenedAt, rider, position: facts.position });
    return { remoteRef: `told-${this.told.length}` };
  }

  // Pushes are not what this spec is about: nothing here receives one.
  verify(): never {
    throw new Error('not a push spec');
  }
  ack(): never {
    throw new Error('not a push spec');
  }
  refuse(): never {
    throw new Error('not a push spec');
  }
  read(): never {
    throw new Error('not a push spec');
  }
  samplePush(): never {
    throw new Error('not a push spec');
  }
}

const platform = new RecordingPlatform();

/** The orders service as it runs, with the stand-in platform as its only connector. */
const ordersWithStandIn: ServiceDefinition<OrdersConfig> = {
  ...ordersService,
  module: (config, logger) => OrdersModule.forRoot(config, logger, { platformConnectors: [platform] }),
};

const tokens = developmentTokens();
const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 50;
const POSITION_INTERVAL_MS = 60_000;
const nextYear = new Date().getUTCFullYear() + 1;
const anOrder = (displayRef: string): IntakeOrderInput => ({
  displayRef,
  channel: 'web',
  buyer: { name: '张先生', phone: '13900001111' },
  recipient: { name: '李女士', phone: '13812345678,1234', address: { text: '北京市东城区东长安街1号' } },
  items: [{ sku: 'ROSE-11', name: '11枝红玫瑰', quantity: 1 }],
  deliveryWindow: { from: `${nextYear}-02-14T13:00:00+08:00`, to: `${nextYear}-02-14T15:00:00+08:00`, timeZone: 'Asia/Shanghai' },
  paid: true,
});
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe("a Chinese platform told each status and the rider's positions of its orders (real orders service, Postgres and Kafka; a stand-in platform)", () => {
  let service: RunningService<OrdersConfig>;
  let namespace: string;
  let kafka: Kafka;
  let admin: Admin;
  let publisher: EventPublisher;
  let shop: string;
  let staff: string;
  let connection: Connection;
  let externalId = Date.now();

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };
  const db = () => service.app.get(DataSource);
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ writeback_id: string; status: string; state: string; attempts: number }>>(
      `SELECT writeback_id, status, state, attempts FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
  const topic = (key: keyof typeof TOPICS) => namespaced(TOPICS[key].name, namespace);

  /** An order of the platform, placed through the one intake path every channel uses. */
  const place = async () => {
    const externalRef = String(externalId++);
    const result = await service.app
      .get(IntakePlacer)
      .receive(shop, sourceOf(connection), externalRef, new Date().toISOString(), anOrder(externalRef) as never);
    expect(result).toMatchObject({ outcome: 'placed', orderId: expect.any(String) });
    return { orderId: result.orderId!, externalRef };
  };
  const step = async (orderId: string, path: string, body: unknown = {}) =>
    expect((await call('POST', `/orders/${orderId}/${path}`, staff, body)).status).toBe(200);
  /** The shop's staff take the order from the counter to the road with their own rider. */
  const sendOut = async (orderId: string, riderId: string) => {
    for (const path of ['accept', 'production/start', 'production/finish']) await step(orderId, path);
    await step(orderId, 'rider', { riderId });
    await step(orderId, 'pickup');
  };
  /** What the platform was told of an order once it was told `count` statuses. */
  const toldOnce = (externalRef: string, count: number) =>
    eventually(() => {
      const told = platform.toldOf(externalRef);
      expect(told).toHaveLength(count);
      return told;
    }, 30_000);

  /** A rider's event on dispatch.events, as dispatch's relay publishes it: keyed by rider id. */
  let riderVersion = 0;
  const riderEvent = async (riderId: string, type: 'RiderRegistered' | 'RiderProfileUpdated', data: Record<string, unknown>) => {
    const event: IntegrationEvent = {
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      streamId: `rider-${riderId}`,
      streamVersion: ++riderVersion,
      shopId: shop,
      data: { riderId, shopId: shop, ...data },
      metadata: { correlationId: randomUUID(), occurredAt: new Date().toISOString(), actor: { role: 'staff', subject: 'alice', shopId: shop } },
    };
    await publisher.send(topic('dispatchEvents'), [{ key: riderId, value: event, headers: headersFor(event) }]);
  };
  const register = async (riderId: string, name: string, phone: string) => {
    await riderEvent(riderId, 'RiderRegistered', {
      shopIds: [shop],
      name,
      phone,
      vehicle: { kind: 'e-bike', capacity: 6 },
      registeredAt: new Date().toISOString(),
    });
  };
  const known = (riderId: string, phone: string) =>
    eventually(async () => {
      const [row] = await db().query<Array<{ phone: string }>>(`SELECT phone FROM intake_riders WHERE rider_id = $1`, [riderId]);
      expect(row?.phone).toBe(phone);
    }, 30_000);
  /** Positions as dispatch produces them on riders.locations: bare values keyed by rider id, no event id. */
  const positions = (riderId: string, fixes: Array<{ recordedAt: string; lat: number; lng: number }>) =>
    publisher.send(
      topic('riderLocations'),
      fixes.map((fix) => ({ key: riderId, value: { riderId, shopId: shop, accuracy: 8, ...fix } satisfies RiderPosition })),
    );
  /** Waits until a consumer group has committed past everything on the topic now: what was published was read. */
  const readPast = async (group: string, topicName: string) => {
    const ends = await admin.fetchTopicOffsets(topicName);
    await eventually(async () => {
      const [committed] = await admin.fetchOffsets({ groupId: namespaced(group, namespace), topics: [topicName] });
      for (const end of ends) {
        if (end.high === '0') continue;
        expect(Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? -1)).toBeGreaterThanOrEqual(Number(end.high));
      }
    }, 30_000);
  };
  /** The messages the relay published for an order, as they are on the topic. */
  const publishedFor = async (orderId: string, count: number): Promise<KafkaMessage[]> => {
    const consumer = kafka.consumer({ groupId: uniqueName('probe') });
    const seen: KafkaMessage[] = [];
    await consumer.subscribe({ topic: topic('ordersEvents'), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.key) === `order-${orderId}`) seen.push(message);
      },
    });
    try {
      return await eventually(() => {
        expect(seen.length).toBeGreaterThanOrEqual(count);
        return [...seen];
      }, 30_000);
    } finally {
      await consumer.disconnect();
    }
  };

  /** The first message parked on a dead-letter topic under `key`. */
  const parkedOn = async (dlq: string, key: string): Promise<KafkaMessage> => {
    const consumer = kafka.consumer({ groupId: uniqueName('probe') });
    const seen: KafkaMessage[] = [];
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.key) === key) seen.push(message);
      },
    });
    try {
      return await eventually(() => {
        expect(seen).toHaveLength(1);
        return seen[0];
      }, 30_000);
    } finally {
      await consumer.disconnect();
    }
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(ordersWithStandIn, {
      KAFKA_NAMESPACE: namespace,
      ORDERS_INTAKE_WRITEBACK_POLL_MS: '50',
      ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: String(BASE_DELAY_MS),
      ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: '400',
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      ORDERS_INTAKE_POSITION_INTERVAL_MS: String(POSITION_INTERVAL_MS),
    });
    kafka = new Kafka({ clientId: 'platform-writebacks-spec', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    shop = uniqueName('shop');
    staff = tokens.sign({ role: 'staff', shopId: shop, sub: 'alice' } as Principal);
    // The owner connects the shop's Meituan store in the console.
    const created = await call('POST', '/intake/connections', staff, {
      platform: 'meituan',
      label: '美团闪购',
      timeZone: 'Asia/Shanghai',
      appKey: '4585',
      appSecret: randomUUID(),
      storeRef: uniqueName('poi'),
    });
    expect(created.status).toBe(201);
    connection = created.body.connection as Connection;
  });
  afterAll(async () => {
    await service?.app.close();
    await publisher?.disconnect();
    await admin?.disconnect();
  });

  it("tells each status in order with the rider's name and phone, and positions between pickup and delivery at the set rate, each once", async () => {
    const riderId = uniqueName('rider');
    await register(riderId, '王师傅', '13700000001');
    // The rider corrects their phone in the app: the platform is told the new one.
    await riderEvent(riderId, 'RiderProfileUpdated', { phone: '13700000002', updatedAt: new Date().toISOString() });
    await known(riderId, '13700000002');

    // The rider takes two orders of the platform: the second's positions show when the first's were read.
    const first = await place();
    const second = await place();
    await sendOut(first.orderId, riderId);
    const pickedUp = (await toldOnce(first.externalRef, 4))[3].happenedAt;
    await sendOut(second.orderId, riderId);
    const secondPickedUp = (await toldOnce(second.externalRef, 4))[3].happenedAt;

    const base = secondPickedUp;
    const fix = (ms: number, n: number) => ({ recordedAt: plus(base, ms), lat: 39.9 + n / 1000, lng: 116.4 + n / 1000 });
    const [onTheWayIn, p1, p2, p3, p4] = [
      { ...fix(0, 0), recordedAt: plus(pickedUp, -30_000) },
      fix(5_000, 1),
      fix(35_000, 2),
      fix(5_000 + POSITION_INTERVAL_MS, 3),
      fix(5_000 + 2 * POSITION_INTERVAL_MS, 4),
    ];
    // Before pickup: nothing. p2 comes too soon after p1. p3 arrives twice, as a redelivery does.
    await positions(riderId, [onTheWayIn, p1, p2, p3, p3]);
    await eventually(() => expect(platform.toldOf(second.externalRef).filter((t) => t.status === 'location')).toHaveLength(2), 30_000);

    await step(first.orderId, 'delivery', { outcome: { kind: 'recipient' } });
    await toldOnce(first.externalRef, 7);
    // After the first is delivered, its rider's positions are the second's alone.
    await positions(riderId, [p3, p4]);
    await eventually(() => expect(platform.toldOf(second.externalRef).filter((t) => t.status === 'location')).toHaveLength(3), 30_000);
    await step(second.orderId, 'delivery', { outcome: { kind: 'neighbour' }, receivedBy: '隔壁陈阿姨' });
    await toldOnce(second.externalRef, 8);
    await readPast('petalpost.orders.positions', topic('riderLocations'));

    const rider = { riderId, name: '王师傅', phone: '13700000002' };
    const where = (p: typeof p1) => ({ lat: p.lat, lng: p.lng });
    expect(platform.toldOf(first.externalRef)).toEqual([
      { externalRef: first.externalRef, status: 'confirmed', happenedAt: expect.any(String) },
      { externalRef: first.externalRef, status: 'prepared', happenedAt: expect.any(String) },
      { externalRef: first.externalRef, status: 'rider_assigned', happenedAt: expect.any(String), rider },
      { externalRef: first.externalRef, status: 'out_for_delivery', happenedAt: pickedUp, rider },
      { externalRef: first.externalRef, status: 'location', happenedAt: p1.recordedAt, rider, position: where(p1) },
      { externalRef: first.externalRef, status: 'location', happenedAt: p3.recordedAt, rider, position: where(p3) },
      { externalRef: first.externalRef, status: 'delivered', happenedAt: expect.any(String), rider },
    ]);
    expect(platform.toldOf(second.externalRef).map((t) => [t.status, t.position && t.happenedAt])).toEqual([
      ['confirmed', undefined],
      ['prepared', undefined],
      ['rider_assigned', undefined],
      ['out_for_delivery', undefined],
      ['location', p1.recordedAt],
      ['location', p3.recordedAt],
      ['location', p4.recordedAt],
      ['delivered', undefined],
    ]);
    expect((await writebacksOf(first.orderId)).map((w) => [w.status, w.state])).toEqual(
      ['confirmed', 'prepared', 'rider_assigned', 'out_for_delivery', 'location', 'location', 'delivered'].map((status) => [status, 'done']),
    );
  });

  it('tells nothing twice when the same order events and positions are delivered again', async () => {
    const riderId = uniqueName('rider');
    await register(riderId, '赵师傅', '13700000003');
    await known(riderId, '13700000003');
    const order = await place();
    await sendOut(order.orderId, riderId);
    const pickedUp = (await toldOnce(order.externalRef, 4))[3].happenedAt;
    const fixes = [
      { recordedAt: plus(pickedUp, 1_000), lat: 31.23, lng: 121.47 },
      { recordedAt: plus(pickedUp, 1_000 + POSITION_INTERVAL_MS), lat: 31.24, lng: 121.48 },
    ];
    await positions(riderId, fixes);
    await step(order.orderId, 'delivery', { outcome: { kind: 'reception' } });
    const told = await toldOnce(order.externalRef, 7);
    expect(told.map((t) => t.status)).toEqual(['confirmed', 'prepared', 'rider_assigned', 'out_for_delivery', 'location', 'location', 'delivered']);

    // Everything the relay published for the order, and the positions, produced again as a broker
    // redelivers them; then once more without the event id the consumer's inbox knows them by, as
    // if the inbox had forgotten them: the write-backs' own key must hold on its own.
    const published = await publishedFor(order.orderId, 7);
    const again = (withoutInboxKey: boolean) =>
      published.map((m) => {
        const { [HEADERS.eventId]: eventId, ...rest } = m.headers as Record<string, string | Buffer>;
        return { key: m.key, value: m.value, headers: withoutInboxKey ? rest : { ...rest, [HEADERS.eventId]: eventId } };
      });
    await publisher.send(topic('ordersEvents'), [...again(false), ...again(true)]);
    await positions(riderId, fixes);
    await readPast('petalpost.orders.writeback', topic('ordersEvents'));
    await readPast('petalpost.orders.positions', topic('riderLocations'));
    // Anything queued again would be written within a few polls of the worker: none is pending, none new.
    expect(await writebacksOf(order.orderId)).toHaveLength(7);
    expect((await writebacksOf(order.orderId)).every((w) => w.state === 'done')).toBe(true);
    expect(platform.toldOf(order.externalRef)).toEqual(told);
  });

  it('parks a position or a rider event it cannot read on its dead-letter topic, and reads on', async () => {
    const riderId = uniqueName('rider');
    await publisher.send(topic('riderLocations'), [{ key: riderId, value: Buffer.from('{"riderId":') }]);
    // A registration without the rider's name violates RiderRegistered's schema.
    await riderEvent(riderId, 'RiderRegistered', { shopIds: [shop], vehicle: { kind: 'e-bike', capacity: 6 }, registeredAt: new Date().toISOString() });
    await register(riderId, '孙师傅', '13700000005');
    await known(riderId, '13700000005');

    const parked = await Promise.all([
      parkedOn(namespaced('petalpost.orders.positions.dlq', namespace), riderId),
      parkedOn(namespaced('petalpost.orders.riders.dlq', namespace), riderId),
    ]);
    expect(parked.map((m) => [String(m.value).slice(0, 11), String(m.headers?.['dlq-error-class'])])).toEqual([
      ['{"riderId":', 'PoisonMessageError'],
      [expect.stringMatching(/^\{/), 'PoisonMessageError'],
    ]);
  });

  it('retries a write-back the platform refuses with a growing wait, then lists it dead until staff retry it', async () => {
    const order = await place();
    platform.refuseNext(MAX_ATTEMPTS);
    await step(order.orderId, 'accept');

    const dead = await eventually(async () => {
      const { body } = await call('GET', '/intake/writebacks?state=dead', staff);
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === order.orderId);
      expect(found).toMatchObject({
        platform: 'meituan',
        externalRef: order.externalRef,
        status: 'confirmed',
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastError: 'platform answered HTTP 503',
      });
      return found!;
    }, 30_000);
    const tries = platform.attempts.filter((a) => a.externalRef === order.externalRef).map((a) => a.at);
    expect(tries).toHaveLength(MAX_ATTEMPTS);
    // The wait doubles: at least the base delay, then at least twice it.
    expect(tries[1] - tries[0]).toBeGreaterThanOrEqual(BASE_DELAY_MS);
    expect(tries[2] - tries[1]).toBeGreaterThanOrEqual(2 * BASE_DELAY_MS);
    expect(platform.toldOf(order.externalRef)).toEqual([]);

    expect(await call('POST', `/intake/writebacks/${String(dead.writebackId)}/retry`, staff, {})).toMatchObject({ status: 202, body: { state: 'pending' } });
    expect((await toldOnce(order.externalRef, 1)).map((t) => t.status)).toEqual(['confirmed']);
  });

  it('waits for dispatch to tell of a rider before telling the platform who brings the flowers', async () => {
    const riderId = uniqueName('rider');
    const order = await place();
    for (const path of ['accept', 'production/start', 'production/finish']) await step(order.orderId, path);
    await toldOnce(order.externalRef, 2);
    // Assigned before RiderRegistered reached the orders service: retried, and dead after the last attempt.
    await step(order.orderId, 'rider', { riderId });
    const dead = await eventually(async () => {
      const [row] = (await writebacksOf(order.orderId)).filter((w) => w.status === 'rider_assigned');
      expect(row).toMatchObject({ state: 'dead', attempts: MAX_ATTEMPTS });
      return row;
    }, 30_000);
    const { body } = await call('GET', '/intake/writebacks?state=dead', staff);
    expect((body.writebacks as Array<Record<string, unknown>>).find((w) => w.writebackId === dead.writeback_id)).toMatchObject({
      lastError: expect.stringMatching(/not known/),
    });

    await register(riderId, '钱师傅', '13700000004');
    await known(riderId, '13700000004');
    expect((await call('POST', `/intake/writebacks/${dead.writeback_id}/retry`, staff, {})).status).toBe(202);
    const told = await toldOnce(order.externalRef, 3);
    expect(told[2]).toMatchObject({ status: 'rider_assigned', rider: { riderId, name: '钱师傅', phone: '13700000004' } });
  });
});
