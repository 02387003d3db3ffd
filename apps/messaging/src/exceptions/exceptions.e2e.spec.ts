import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import {
  createEventDecoder,
  decodeOrderCommand,
  EXCEPTION_EVENT_CONTRACTS,
  namespaced,
  type OrderCommandMessage,
  type OrderIntegrationEvent,
  TOPICS,
} from '@petalpost/contracts';
import { EventStore } from '@petalpost/event-store';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, orderServiceEnvelope, rosesPlaced, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { MessagingConfig } from '../messaging.config';
import { messagingService } from '../messaging.service';

const tokens = developmentTokens();
const at = '2026-02-14T09:00:00.000Z';
const here = { lat: 52.0907, lng: 5.1214, accuracy: 12 };
const decodeException = createEventDecoder(EXCEPTION_EVENT_CONTRACTS);

type View = Record<string, unknown> & { exceptionId: string; status: string };
type Sent = { key: string; value: Buffer | null };

/**
 * Exception reports over HTTP against the real messaging service, Postgres and Kafka: what riders
 * and the shop see, what goes to `orders.commands` and `messaging.events`, and escalation.
 * Orders are made known to messaging by events produced to the namespaced orders.events exactly
 * as the orders relay produces them.
 */
describe('exception reports (real service, Postgres and Kafka)', () => {
  let service: RunningService<MessagingConfig>;
  let publisher: EventPublisher;
  let probe: Consumer;
  let namespace: string;
  const commands: Sent[] = [];
  const messagingEvents: Sent[] = [];

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: 'someone', ...p } as Principal);
  const call = async (token: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined) as View & Record<string, never>,
    };
  };

  const envelope = (orderId: string, streamVersion: number, shopId: string, event: OrderIntegrationEvent) =>
    orderServiceEnvelope(shopId, `order-${orderId}`, streamVersion, event, at);
  const placed = (orderId: string, shopId: string) =>
    envelope(orderId, 1, shopId, { type: 'OrderPlaced', data: rosesPlaced({ orderId, shopId }, { placedAt: at }) });
  const assigned = (orderId: string, shopId: string, riderId: string, v = 2) =>
    envelope(orderId, v, shopId, { type: 'RiderAssigned', data: { orderId, shopId, riderId, assignedAt: at } });
  const unassigned = (orderId: string, shopId: string, riderId: string, v = 3) =>
    envelope(orderId, v, shopId, { type: 'RiderUnassigned', data: { orderId, shopId, riderId, unassignedAt: at } });

  /** An order of the shop that messaging knows, assigned to `riderId` when given. */
  const knownOrder = async (shopId: string, riderId?: string) => {
    const orderId = randomUUID();
    await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [
      placed(orderId, shopId),
      ...(riderId ? [assigned(orderId, shopId, riderId)] : []),
    ]);
    await eventually(async () => {
      const rows = await service.app.get(DataSource).query(`SELECT rider_id FROM exception_order_assignments WHERE order_id = $1`, [orderId]);
      expect(rows).toEqual([{ rider_id: riderId ?? null }]);
    });
    return orderId;
  };

  /** A photo uploaded to the order as `token`'s holder (once messaging knows the order's conversation); answers its attachment id. */
  const uploadPhoto = async (orderId: string, token: string, purpose = 'damage'): Promise<string> => {
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c2185b' } })
      .jpeg()
      .toBuffer();
    return eventually(async () => {
      const form = new FormData();
      form.append('purpose', purpose);
      form.append('file', new Blob([bytes], { type: 'image/jpeg' }), 'damage.jpg');
      const response = await fetch(`${service.url}/orders/${orderId}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { attachmentId: string }).attachmentId;
    });
  };
  const reportsOn = async (orderId: string) =>
    Number(
      (await service.app.get(DataSource).query(`SELECT count(*) AS n FROM events WHERE type = 'ExceptionReported' AND data->>'orderId' = $1`, [orderId]))[0].n,
    );

  const commandsFor = (orderId: string) => commands.filter((m) => m.key === orderId).map((m) => decodeOrderCommand(m.value) as OrderCommandMessage);
  const eventsFor = (orderId: string) =>
    messagingEvents
      .filter((m) => m.key === orderId)
      .flatMap((m) => {
        const decoded = decodeException(m.value);
        return decoded.known ? [decoded.event] : [];
      });

  beforeAll(async () => {
    namespace = await createTestNamespace();
    service = await startTestService(messagingService, { KAFKA_NAMESPACE: namespace, MESSAGING_EXCEPTION_ESCALATE_SECONDS: '2' });
    const kafka = new Kafka({ clientId: 'exceptions-probe', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING });
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    probe = kafka.consumer({ groupId: uniqueName('probe') });
    await probe.connect();
    await probe.subscribe({
      topics: [namespaced(TOPICS.ordersCommands.name, namespace), namespaced(TOPICS.messagingEvents.name, namespace)],
      fromBeginning: true,
    });
    await probe.run({
      eachMessage: async ({ topic, message }) => {
        const sent = { key: message.key?.toString() ?? '', value: message.value };
        (topic.endsWith(TOPICS.ordersCommands.name) ? commands : messagingEvents).push(sent);
      },
    });
    // A new group starts at the log's end, which it learns a moment after joining: publish until an order shows.
    await eventually(async () => {
      const orderId = randomUUID();
      await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [placed(orderId, uniqueName('shop'))]);
      await eventually(async () => {
        const rows = await service.app.get(DataSource).query(`SELECT 1 FROM exception_order_assignments WHERE order_id = $1`, [orderId]);
        expect(rows).toHaveLength(1);
      }, 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await probe?.disconnect();
    await publisher?.disconnect();
    await service?.app.close();
  });

  it('lives reported → acknowledged → resolved over HTTP, flags and clears the order over orders.commands, and publishes each step', async () => {
    const shop = uniqueName('shop');
    const orderId = await knownOrder(shop, 'rita');
    const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
    const alice = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const body = { details: { type: 'running_late', minutesLate: 20, note: 'Bridge closed' }, position: here };

    const reported = await call(rita, 'POST', `/orders/${orderId}/exceptions`, body, { 'idempotency-key': 'late-1' });
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({
      orderId,
      shopId: shop,
      status: 'reported',
      type: 'running_late',
      riderId: 'rita',
      reportedBy: { role: 'rider', subject: 'rita' },
      position: here,
      version: 1,
    });
    const { exceptionId } = reported.body;

    const retried = await call(rita, 'POST', `/orders/${orderId}/exceptions`, body, { 'idempotency-key': 'late-1' });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body).toMatchObject({ exceptionId, version: 1 });
    expect(await reportsOn(orderId)).toBe(1);
    const reused = await call(
      rita,
      'POST',
      `/orders/${orderId}/exceptions`,
      { ...body, details: { type: 'running_late', minutesLate: 30 } },
      { 'idempotency-key': 'late-1' },
    );
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const early = await call(alice, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'redelivered' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'EXCEPTION_NOT_ACKNOWLEDGED', details: { status: 'reported', state: { status: 'reported', exceptionId } } });

    // Acknowledging takes no fields: one sent anyway is refused, and the report stays unacknowledged.
    expect((await call(alice, 'POST', `/exceptions/${exceptionId}/acknowledge`, { status: 'resolved' })).status).toBe(400);
    const acknowledged = await call(alice, 'POST', `/exceptions/${exceptionId}/acknowledge`, undefined, { 'idempotency-key': 'ack-1' });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: { role: 'staff', subject: 'alice' } });
    expect(acknowledged.body.secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    const again = await call(as({ role: 'dispatcher', shopId: shop, sub: 'dana' }), 'POST', `/exceptions/${exceptionId}/acknowledge`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'EXCEPTION_ALREADY_ACKNOWLEDGED', details: { status: 'acknowledged' } });

    const resolved = await call(alice, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'redelivered', note: 'Delivered at 15:20' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'redelivered', resolutionNote: 'Delivered at 15:20', resolvedBy: { subject: 'alice' } });
    const twice = await call(alice, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'refunded' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'EXCEPTION_ALREADY_RESOLVED', details: { status: 'resolved', state: { outcome: 'redelivered' } } });

    // The rider who reported it sees who acknowledged it and when, and what the shop decided.
    expect((await call(rita, 'GET', `/exceptions/${exceptionId}`)).body).toMatchObject({
      status: 'resolved',
      acknowledgedBy: { role: 'staff', subject: 'alice' },
      acknowledgedAt: acknowledged.body.acknowledgedAt,
      resolvedBy: { role: 'staff', subject: 'alice' },
      resolvedAt: resolved.body.resolvedAt,
      outcome: 'redelivered',
      resolutionNote: 'Delivered at 15:20',
    });
    await eventually(async () => {
      const list = await call(alice, 'GET', `/exceptions?status=resolved&type=running_late`);
      expect(list.body.items).toEqual([
        expect.objectContaining({ exceptionId, orderId, status: 'resolved', riderId: 'rita', area: 'u178k', outcome: 'redelivered' }),
      ]);
    });

    // One flag and one clear, keyed by the order, in the contract's shape — the retried POST sent nothing twice.
    await eventually(async () => {
      expect(commandsFor(orderId).map((c) => [c.type, c.data])).toEqual([
        ['FlagOrderException', { exceptionId, kind: 'running_late', note: 'Bridge closed' }],
        ['ClearOrderException', { exceptionId, resolution: 'redelivered: Delivered at 15:20' }],
      ]);
      // Escalation runs every 2 s here: a slow machine may escalate before the acknowledgement, which is not this test's point.
      const steps = eventsFor(orderId).filter((e) => e.type !== 'ExceptionEscalated');
      // Each step names the rider of the report, so notifications tells them (rider:<shopId>:rita).
      expect(steps.map((e) => [e.type, e.streamId, (e.data as { riderId?: string }).riderId])).toEqual([
        ['ExceptionReported', `exception-${exceptionId}`, 'rita'],
        ['ExceptionAcknowledged', `exception-${exceptionId}`, 'rita'],
        ['ExceptionResolved', `exception-${exceptionId}`, 'rita'],
      ]);
    });
    const [flag] = commandsFor(orderId);
    expect(flag).toMatchObject({ orderId, shopId: shop, schemaVersion: 1, metadata: { actor: { role: 'rider', subject: 'rita', shopId: shop } } });
  });

  it('publishes a broken vehicle with the rider it strands, for dispatch to reassign', async () => {
    const shop = uniqueName('shop');
    const orderId = await knownOrder(shop, 'bo');
    const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const reported = await call(staff, 'POST', `/orders/${orderId}/exceptions`, { details: { type: 'vehicle_broken', note: 'Flat tyre' }, position: here });
    expect(reported.status).toBe(201);
    await eventually(async () => {
      expect(eventsFor(orderId)).toEqual([
        expect.objectContaining({
          type: 'ExceptionReported',
          shopId: shop,
          data: expect.objectContaining({
            orderId,
            riderId: 'bo',
            details: { type: 'vehicle_broken', note: 'Flat tyre' },
            reportedBy: { role: 'staff', subject: 'alice' },
          }),
        }),
      ]);
    });
  });

  it('takes a damage photo only as an attachment the reporter uploaded to this order, refusing anything else and storing nothing', async () => {
    const shop = uniqueName('shop');
    const orderId = await knownOrder(shop, 'rita');
    const otherOrderId = await knownOrder(shop, 'rita');
    const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
    const alice = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const ritasPhoto = await uploadPhoto(orderId, rita);
    const alicesPhoto = await uploadPhoto(orderId, alice);
    const onAnotherOrder = await uploadPhoto(otherOrderId, rita);
    const chatPicture = await uploadPhoto(orderId, rita, 'message');
    const report = (photoRef: string) =>
      call(rita, 'POST', `/orders/${orderId}/exceptions`, { details: { type: 'bouquet_damaged', photoRef, note: 'Crushed' }, position: here });

    for (const photoRef of ['photos/damage.jpg', randomUUID(), alicesPhoto, onAnotherOrder]) {
      const refused = await report(photoRef);
      expect({ photoRef, status: refused.status, code: refused.body.code }).toEqual({ photoRef, status: 404, code: 'ATTACHMENT_NOT_FOUND' });
    }
    const notDamage = await report(chatPicture);
    expect({ status: notDamage.status, code: notDamage.body.code }).toEqual({ status: 400, code: 'ATTACHMENT_NOT_A_DAMAGE_PHOTO' });
    expect(await reportsOn(orderId)).toBe(0);

    const reported = await report(ritasPhoto);
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({ type: 'bouquet_damaged', details: { type: 'bouquet_damaged', photoRef: ritasPhoto } });
    expect(await reportsOn(orderId)).toBe(1);
  });

  it('escalates a report nobody acknowledged in time exactly once, even with a second replica running', async () => {
    const replica = await startTestService(messagingService, {
      KAFKA_NAMESPACE: namespace,
      MESSAGING_EXCEPTION_ESCALATE_SECONDS: '2',
      DATABASE_SCHEMA: service.config.DATABASE_SCHEMA,
    });
    try {
      const shop = uniqueName('shop');
      const orderId = await knownOrder(shop, 'rita');
      const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
      const reported = await call(rita, 'POST', `/orders/${orderId}/exceptions`, {
        details: { type: 'bouquet_damaged', photoRef: await uploadPhoto(orderId, rita) },
        position: here,
      });
      const { exceptionId } = reported.body;
      const escalated = await eventually(async () => {
        const found = eventsFor(orderId).filter((e) => e.type === 'ExceptionEscalated');
        expect(found).toHaveLength(1);
        return found[0];
      }, 20_000);
      expect(escalated.data).toMatchObject({ exceptionId, orderId, shopId: shop, exceptionType: 'bouquet_damaged', reportedAt: reported.body.reportedAt });
      expect((escalated.data as { unacknowledgedSeconds: number }).unacknowledgedSeconds).toBeGreaterThanOrEqual(2);
      // Several more passes of both escalators: still one.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(eventsFor(orderId).filter((e) => e.type === 'ExceptionEscalated')).toHaveLength(1);
      const log = await service.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'ExceptionEscalated'`, [`exception-${exceptionId}`]);
      expect(log).toEqual([{ n: 1 }]);
      const view = await call(as({ role: 'staff', shopId: shop }), 'GET', `/exceptions/${exceptionId}`);
      expect(view.body).toMatchObject({ status: 'reported', escalatedAt: escalated.data && (escalated.data as { escalatedAt: string }).escalatedAt });

      // Acknowledging later still works; an acknowledged report is never escalated.
      expect((await call(as({ role: 'staff', shopId: shop }), 'POST', `/exceptions/${exceptionId}/acknowledge`)).status).toBe(200);
      const other = await call(as({ role: 'staff', shopId: shop }), 'POST', `/orders/${orderId}/exceptions`, {
        details: { type: 'recipient_absent' },
        position: here,
      });
      expect((await call(as({ role: 'staff', shopId: shop }), 'POST', `/exceptions/${other.body.exceptionId}/acknowledge`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(eventsFor(orderId).filter((e) => e.type === 'ExceptionEscalated')).toHaveLength(1);
    } finally {
      await replica.app.close();
    }
  }, 60_000);

  describe('who may report, see and act', () => {
    let shop: string;
    let orderId: string;
    let exceptionId: string;
    beforeAll(async () => {
      shop = uniqueName('shop');
      orderId = await knownOrder(shop, 'rita');
      const reported = await call(as({ role: 'rider', shopId: shop, sub: 'rita' }), 'POST', `/orders/${orderId}/exceptions`, {
        details: { type: 'address_not_found', suggestedAddress: 'Lindenlaan 5' },
        position: here,
      });
      expect(reported.status).toBe(201);
      exceptionId = reported.body.exceptionId;
    });

    it('answers 404 to another shop, for the order and for its reports', async () => {
      const stranger = as({ role: 'staff', shopId: uniqueName('shop'), sub: 'eve' });
      expect((await call(stranger, 'POST', `/orders/${orderId}/exceptions`, { details: { type: 'other', text: 'x' }, position: here })).status).toBe(404);
      expect((await call(stranger, 'POST', `/exceptions/${exceptionId}/acknowledge`)).status).toBe(404);
      expect((await call(stranger, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'refunded' })).status).toBe(404);
      expect((await call(stranger, 'GET', `/exceptions/${exceptionId}`)).status).toBe(404);
      expect((await call(stranger, 'GET', `/exceptions?shopId=${shop}`)).status).toBe(404);
      expect((await call(stranger, 'GET', `/exceptions`)).body.items).toEqual([]);
    });

    it('answers 404 to a rider the order is not assigned to, and once the rider is unassigned, but for the reports they made', async () => {
      const bo = as({ role: 'rider', shopId: shop, sub: 'bo' });
      expect((await call(bo, 'POST', `/orders/${orderId}/exceptions`, { details: { type: 'recipient_absent' }, position: here })).status).toBe(404);
      expect((await call(bo, 'GET', `/exceptions/${exceptionId}`)).status).toBe(404);

      const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
      const other = await knownOrder(shop, 'rita');
      const before = await call(rita, 'POST', `/orders/${other}/exceptions`, { details: { type: 'recipient_absent' }, position: here });
      expect(before.status).toBe(201);
      expect((await call(rita, 'GET', `/exceptions/${before.body.exceptionId}`)).status).toBe(200);
      await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [unassigned(other, shop, 'rita')]);
      await eventually(async () => {
        const response = await call(rita, 'POST', `/orders/${other}/exceptions`, { details: { type: 'recipient_absent' }, position: here });
        expect(response.status).toBe(404);
      });
      // Their own report stays theirs to see acknowledged and decided.
      expect((await call(rita, 'GET', `/exceptions/${before.body.exceptionId}`)).status).toBe(200);
      expect((await call(bo, 'GET', `/exceptions/${before.body.exceptionId}`)).status).toBe(404);

      // A report the shop made before rita rode the order names nobody: hers to read while she rides it, not after.
      const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
      const later = await knownOrder(shop);
      const shops = await call(staff, 'POST', `/orders/${later}/exceptions`, { details: { type: 'other', text: 'Gate code changed' }, position: here });
      expect(shops.body).not.toHaveProperty('riderId');
      expect((await call(rita, 'GET', `/exceptions/${shops.body.exceptionId}`)).status).toBe(404);
      await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [assigned(later, shop, 'rita')]);
      await eventually(async () => expect((await call(rita, 'GET', `/exceptions/${shops.body.exceptionId}`)).status).toBe(200));
      await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [unassigned(later, shop, 'rita')]);
      await eventually(async () => expect((await call(rita, 'GET', `/exceptions/${shops.body.exceptionId}`)).status).toBe(404));
    });

    it("lists to a rider the reports they made or that name them, of their shop only, from a time on (today's)", async () => {
      const listShop = uniqueName('shop');
      const rider = (sub: string, shopId = listShop) => as({ role: 'rider', shopId, sub });
      const staff = as({ role: 'staff', shopId: listShop, sub: 'alice' });
      const ritas = await knownOrder(listShop, 'rita');
      const bos = await knownOrder(listShop, 'bo');
      const own = await call(rider('rita'), 'POST', `/orders/${ritas}/exceptions`, { details: { type: 'recipient_absent' }, position: here });
      const naming = await call(staff, 'POST', `/orders/${ritas}/exceptions`, { details: { type: 'other', text: 'Buyer called' }, position: here });
      const others = await call(rider('bo'), 'POST', `/orders/${bos}/exceptions`, { details: { type: 'vehicle_broken' }, position: here });
      expect([own.status, naming.status, others.status]).toEqual([201, 201, 201]);
      await call(staff, 'POST', `/exceptions/${own.body.exceptionId}/acknowledge`);

      await eventually(async () => {
        const items = (await call(rider('rita'), 'GET', `/exceptions`)).body.items as unknown as View[];
        expect(items.map((i) => i.exceptionId)).toEqual([naming.body.exceptionId, own.body.exceptionId]);
        expect(items[1]).toMatchObject({ status: 'acknowledged', acknowledgedAt: expect.any(String), reportedBy: 'rita' });
      });
      expect((await call(staff, 'GET', `/exceptions`)).body.items).toHaveLength(3);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
      expect((await call(rider('rita'), 'GET', `/exceptions?from=${encodeURIComponent(tomorrow)}`)).body.items).toEqual([]);
      const earlier = new Date(Date.now() - 3_600_000).toISOString();
      expect((await call(rider('rita'), 'GET', `/exceptions?from=${encodeURIComponent(earlier)}&status=acknowledged`)).body.items).toHaveLength(1);
      expect((await call(rider('rita', uniqueName('shop')), 'GET', `/exceptions`)).body.items).toEqual([]);
      expect((await call(rider('rita'), 'GET', `/exceptions?shopId=${uniqueName('shop')}`)).status).toBe(404);
      expect((await call(rider('rita'), 'GET', `/exceptions?from=today`)).status).toBe(400);
    });

    it('answers 404 to the rider of an order once it is cancelled, as the orders service frees its rider', async () => {
      const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
      const cancelledOrder = await knownOrder(shop, 'rita');
      const cancelled = envelope(cancelledOrder, 3, shop, {
        type: 'OrderCancelled',
        data: { orderId: cancelledOrder, shopId: shop, riderId: 'rita', reason: 'buyer asked', cancelledAt: at },
      });
      await publisher.publish(namespaced(TOPICS.ordersEvents.name, namespace), [cancelled]);
      await eventually(async () => {
        const response = await call(rita, 'POST', `/orders/${cancelledOrder}/exceptions`, { details: { type: 'recipient_absent' }, position: here });
        expect(response.status).toBe(404);
      });
    });

    it('lets riders report and list their own but not acknowledge or resolve; florists not at all', async () => {
      const rita = as({ role: 'rider', shopId: shop, sub: 'rita' });
      expect((await call(rita, 'POST', `/exceptions/${exceptionId}/acknowledge`)).status).toBe(403);
      expect((await call(rita, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'refunded' })).status).toBe(403);
      expect((await call(rita, 'GET', `/exceptions/analytics?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`)).status).toBe(403);
      expect(
        (await call(as({ role: 'dispatcher', shopId: shop }), 'GET', `/exceptions/analytics?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`)).status,
      ).toBe(403);
      expect(
        (await call(as({ role: 'florist', shopId: shop }), 'POST', `/orders/${orderId}/exceptions`, { details: { type: 'other', text: 'x' }, position: here }))
          .status,
      ).toBe(403);
      expect(
        (
          await call(as({ role: 'staff', shopId: shop }), 'POST', `/orders/${randomUUID()}/exceptions`, {
            details: { type: 'other', text: 'x' },
            position: here,
          })
        ).status,
      ).toBe(404);
    });

    it('refuses a report without what its type requires, or with fields it does not know (400)', async () => {
      const staff = as({ role: 'staff', shopId: shop });
      const post = (body: unknown) => call(staff, 'POST', `/orders/${orderId}/exceptions`, body);
      expect((await post({ details: { type: 'bouquet_damaged' }, position: here })).status).toBe(400);
      expect((await post({ details: { type: 'running_late' }, position: here })).status).toBe(400);
      expect((await post({ details: { type: 'other' }, position: here })).status).toBe(400);
      expect((await post({ details: { type: 'recipient_absent' } })).status).toBe(400);
      expect((await post({ details: { type: 'recipient_absent', colour: 'red' }, position: here })).status).toBe(400);
      expect((await post({ details: { type: 'recipient_absent' }, position: { ...here, lat: 91 } })).status).toBe(400);
      expect((await post({ details: { type: 'stolen' }, position: here })).status).toBe(400);
      expect((await call(staff, 'POST', `/exceptions/${exceptionId}/resolve`, { outcome: 'forgotten' })).status).toBe(400);
    });
  });

  describe('analytics', () => {
    // Two areas: u178k (Utrecht centre) and u173z (Amsterdam centre).
    const utrecht = { lat: 52.0907, lng: 5.1214 };
    const amsterdam = { lat: 52.3676, lng: 4.9041 };
    const shop = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

    type Fixture = {
      type: string;
      extra?: Record<string, unknown>;
      where: { lat: number; lng: number };
      rider?: string;
      at: string;
      ackAfter?: number;
      resolveAfter?: number;
      shopId?: string;
    };
    const fixture: Fixture[] = [
      {
        type: 'address_not_found',
        extra: { suggestedAddress: 'Lindenlaan 5' },
        where: utrecht,
        rider: 'rita',
        at: '2026-02-09T08:10:00.000Z',
        ackAfter: 60,
        resolveAfter: 600,
      },
      { type: 'address_not_found', extra: { suggestedAddress: 'Lindenlaan 7' }, where: utrecht, rider: 'rita', at: '2026-02-09T08:40:00.000Z', ackAfter: 120 },
      { type: 'address_not_found', where: amsterdam, rider: 'bo', at: '2026-02-10T14:05:00.000Z', ackAfter: 300, resolveAfter: 900 },
      { type: 'running_late', extra: { minutesLate: 20 }, where: utrecht, rider: 'rita', at: '2026-02-14T09:15:00.000Z', ackAfter: 30, resolveAfter: 1200 },
      { type: 'running_late', extra: { minutesLate: 10 }, where: amsterdam, rider: 'bo', at: '2026-02-14T09:50:00.000Z' },
      { type: 'running_late', extra: { minutesLate: 15 }, where: utrecht, rider: 'rita', at: '2026-02-14T17:00:00.000Z', ackAfter: 90 },
      { type: 'bouquet_damaged', extra: { photoRef: 'photos/d.jpg' }, where: utrecht, at: '2026-02-15T11:00:00.000Z' },
      // Outside the question: the end of the period (exclusive), and another shop.
      { type: 'running_late', extra: { minutesLate: 99 }, where: utrecht, rider: 'rita', at: '2026-02-16T00:00:00.000Z', ackAfter: 5 },
      { type: 'address_not_found', where: utrecht, rider: 'zed', at: '2026-02-09T08:20:00.000Z', ackAfter: 1, shopId: uniqueName('shop') },
    ];

    beforeAll(async () => {
      const store = new EventStore(service.app.get(DataSource));
      const alice = { role: 'staff' as const, subject: 'alice' };
      for (const f of fixture) {
        const exceptionId = randomUUID();
        const ref = { exceptionId, orderId: randomUUID(), shopId: f.shopId ?? shop };
        const events = [
          {
            type: 'ExceptionReported',
            data: {
              ...ref,
              details: { type: f.type, ...f.extra },
              position: f.where,
              ...(f.rider ? { riderId: f.rider } : {}),
              reportedBy: { role: 'rider', subject: f.rider ?? 'alice' },
              reportedAt: f.at,
            },
          },
          ...(f.ackAfter !== undefined
            ? [{ type: 'ExceptionAcknowledged', data: { ...ref, acknowledgedBy: alice, acknowledgedAt: plus(f.at, f.ackAfter) } }]
            : []),
          ...(f.resolveAfter !== undefined
            ? [{ type: 'ExceptionResolved', data: { ...ref, outcome: 'redelivered', resolvedBy: alice, resolvedAt: plus(f.at, f.resolveAfter) } }]
            : []),
        ];
        await store.append(`exception-${exceptionId}`, 'exception', 0, events, { correlationId: randomUUID(), occurredAt: f.at });
      }
      await eventually(async () => {
        const [{ n }] = await service.app.get(DataSource).query(`SELECT count(*)::int AS n FROM exception_reports WHERE shop_id = $1`, [shop]);
        expect(n).toBe(8);
      });
    });

    const week = `from=2026-02-09T00:00:00Z&to=2026-02-16T00:00:00Z`;

    it('counts by type × area × hour of week × rider, finds repeated address errors and the slots with most delays, and times acknowledgements and resolutions', async () => {
      const response = await call(staff, 'GET', `/exceptions/analytics?${week}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        from: '2026-02-09T00:00:00Z',
        to: '2026-02-16T00:00:00Z',
        shopId: shop,
        timeZone: 'UTC',
        total: 7,
        byTypeAreaHourRider: [
          { type: 'address_not_found', area: 'u178k', hourOfWeek: 8, riderId: 'rita', count: 2 }, // Monday 08:xx
          { type: 'address_not_found', area: 'u173z', hourOfWeek: 38, riderId: 'bo', count: 1 }, // Tuesday 14:05
          { type: 'bouquet_damaged', area: 'u178k', hourOfWeek: 155, riderId: null, count: 1 }, // Sunday 11:00
          { type: 'running_late', area: 'u173z', hourOfWeek: 129, riderId: 'bo', count: 1 }, // Saturday 09:50
          { type: 'running_late', area: 'u178k', hourOfWeek: 129, riderId: 'rita', count: 1 }, // Saturday 09:15
          { type: 'running_late', area: 'u178k', hourOfWeek: 137, riderId: 'rita', count: 1 }, // Saturday 17:00
        ],
        repeatedAddressErrors: [{ area: 'u178k', count: 2, suggestedAddresses: ['Lindenlaan 5', 'Lindenlaan 7'] }],
        delaysByHourOfWeek: [
          { hourOfWeek: 129, count: 2, totalMinutesLate: 30, averageMinutesLate: 15 },
          { hourOfWeek: 137, count: 1, totalMinutesLate: 15, averageMinutesLate: 15 },
        ],
        // Acknowledged after 30, 60, 90, 120, 300 s: median 90; p90 = 120 + 0.6 × (300 − 120) = 228.
        timeToAcknowledge: { count: 5, p50Seconds: 90, p90Seconds: 228 },
        // Resolved after 600, 900, 1200 s: median 900; p90 = 900 + 0.8 × 300 = 1140.
        timeToResolve: { count: 3, p50Seconds: 900, p90Seconds: 1140 },
      });
    });

    it('exports the counts as CSV', async () => {
      const response = await call(staff, 'GET', `/exceptions/analytics?${week}&format=csv`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/csv');
      expect(response.text).toBe(
        [
          'type,area,hour_of_week,rider_id,count',
          'address_not_found,u178k,8,rita,2',
          'address_not_found,u173z,38,bo,1',
          'bouquet_damaged,u178k,155,,1',
          'running_late,u173z,129,bo,1',
          'running_late,u178k,129,rita,1',
          'running_late,u178k,137,rita,1',
          '',
        ].join('\r\n'),
      );
    });

    it('lets operators ask about any shop and holds staff to their own', async () => {
      const operator = await call(as({ role: 'operator' }), 'GET', `/exceptions/analytics?${week}&shopId=${shop}`);
      expect(operator.body.total).toBe(7);
      expect((await call(as({ role: 'staff', shopId: uniqueName('shop') }), 'GET', `/exceptions/analytics?${week}&shopId=${shop}`)).status).toBe(404);
      expect((await call(staff, 'GET', `/exceptions/analytics?from=2026-02-16T00:00:00Z&to=2026-02-09T00:00:00Z`)).status).toBe(400);
    });
  });

  describe('analytics on the clock of a time zone', () => {
    const utrecht = { lat: 52.0907, lng: 5.1214 };
    const amsterdam = { lat: 52.3676, lng: 4.9041 };
    const shop = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    // Amsterdam is UTC+1 in winter (CET) and UTC+2 in summer (CEST, from 01:00 UTC on 29 March 2026).
    const fixture: Array<{ type: string; extra?: Record<string, unknown>; where: { lat: number; lng: number }; rider: string; at: string }> = [
      // Friday 13 February 13:30 UTC = Friday 14:30 CET: hour 4 × 24 + 14 = 110 (UTC: 109).
      { type: 'running_late', extra: { minutesLate: 20 }, where: utrecht, rider: 'rita', at: '2026-02-13T13:30:00.000Z' },
      // Friday 17 July 13:30 UTC = Friday 15:30 CEST: 111 (UTC: 109 again).
      { type: 'running_late', extra: { minutesLate: 10 }, where: utrecht, rider: 'rita', at: '2026-07-17T13:30:00.000Z' },
      // Sunday 15 February 23:30 UTC = Monday 00:30 CET: the week starts again, 0 (UTC: 6 × 24 + 23 = 167).
      { type: 'recipient_absent', where: utrecht, rider: 'bo', at: '2026-02-15T23:30:00.000Z' },
      // Sunday 29 March 01:30 UTC, half an hour into summer time = 03:30 CEST: 6 × 24 + 3 = 147 (UTC: 145).
      { type: 'running_late', extra: { minutesLate: 5 }, where: amsterdam, rider: 'bo', at: '2026-03-29T01:30:00.000Z' },
    ];
    const period = 'from=2026-02-01T00:00:00Z&to=2026-08-01T00:00:00Z';
    const analytics = (query: string) => call(staff, 'GET', `/exceptions/analytics?${period}${query}`);

    beforeAll(async () => {
      const store = new EventStore(service.app.get(DataSource));
      for (const f of fixture) {
        const exceptionId = randomUUID();
        const data = {
          exceptionId,
          orderId: randomUUID(),
          shopId: shop,
          details: { type: f.type, ...f.extra },
          position: f.where,
          riderId: f.rider,
          reportedBy: { role: 'rider', subject: f.rider },
          reportedAt: f.at,
        };
        await store.append(`exception-${exceptionId}`, 'exception', 0, [{ type: 'ExceptionReported', data }], {
          correlationId: randomUUID(),
          occurredAt: f.at,
        });
      }
      await eventually(async () => {
        const [{ n }] = await service.app.get(DataSource).query(`SELECT count(*)::int AS n FROM exception_reports WHERE shop_id = $1`, [shop]);
        expect(n).toBe(fixture.length);
      });
    });

    it('counts the hours of the week in Europe/Amsterdam, winter and summer time alike, and says so', async () => {
      const response = await analytics('&timeZone=Europe/Amsterdam');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        timeZone: 'Europe/Amsterdam',
        total: 4,
        byTypeAreaHourRider: [
          { type: 'recipient_absent', area: 'u178k', hourOfWeek: 0, riderId: 'bo', count: 1 },
          { type: 'running_late', area: 'u173z', hourOfWeek: 147, riderId: 'bo', count: 1 },
          { type: 'running_late', area: 'u178k', hourOfWeek: 110, riderId: 'rita', count: 1 },
          { type: 'running_late', area: 'u178k', hourOfWeek: 111, riderId: 'rita', count: 1 },
        ],
        delaysByHourOfWeek: [
          { hourOfWeek: 110, count: 1, totalMinutesLate: 20, averageMinutesLate: 20 },
          { hourOfWeek: 111, count: 1, totalMinutesLate: 10, averageMinutesLate: 10 },
          { hourOfWeek: 147, count: 1, totalMinutesLate: 5, averageMinutesLate: 5 },
        ],
      });
    });

    it('counts in UTC when no time zone is given, where the two Friday reports share an hour', async () => {
      const expected = {
        timeZone: 'UTC',
        total: 4,
        byTypeAreaHourRider: [
          { type: 'running_late', area: 'u178k', hourOfWeek: 109, riderId: 'rita', count: 2 },
          { type: 'recipient_absent', area: 'u178k', hourOfWeek: 167, riderId: 'bo', count: 1 },
          { type: 'running_late', area: 'u173z', hourOfWeek: 145, riderId: 'bo', count: 1 },
        ],
        delaysByHourOfWeek: [
          { hourOfWeek: 109, count: 2, totalMinutesLate: 30, averageMinutesLate: 15 },
          { hourOfWeek: 145, count: 1, totalMinutesLate: 5, averageMinutesLate: 5 },
        ],
      };
      expect((await analytics('')).body).toMatchObject(expected);
      expect((await analytics('&timeZone=UTC')).body).toMatchObject(expected);
      // Names are matched as the zone database does, without regard to case, and answered in their canonical spelling.
      expect((await analytics('&timeZone=europe/amsterdam')).body).toMatchObject({
        timeZone: 'Europe/Amsterdam',
        byTypeAreaHourRider: [{ hourOfWeek: 0 }, {}, {}, {}],
      });
    });

    it('exports the CSV on the clock of the time zone asked for', async () => {
      const response = await analytics('&timeZone=Europe/Amsterdam&format=csv');
      expect(response.status).toBe(200);
      expect(response.text).toBe(
        [
          'type,area,hour_of_week,rider_id,count',
          'recipient_absent,u178k,0,bo,1',
          'running_late,u173z,147,bo,1',
          'running_late,u178k,110,rita,1',
          'running_late,u178k,111,rita,1',
          '',
        ].join('\r\n'),
      );
    });

    it('refuses a time zone it does not know with 400 naming the parameter', async () => {
      for (const zone of ['Europe/Atlantis', 'Mars/Olympus_Mons', '+01:00', 'UTC+1', '']) {
        const response = await analytics(`&timeZone=${encodeURIComponent(zone)}`);
        expect({ zone, status: response.status, code: response.body.code }).toEqual({ zone, status: 400, code: 'VALIDATION_FAILED' });
        expect(response.body.details).toMatchObject({ issues: [{ path: 'timeZone' }] });
      }
      expect((await analytics('&timeZone=Europe/Atlantis&format=csv')).status).toBe(400);
    });

    it('documents timeZone in the OpenAPI document', async () => {
      const document = (await (await fetch(`${service.url}/docs/json`)).json()) as {
        paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
      };
      const names = document.paths['/exceptions/analytics'].get.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['from', 'to', 'timeZone', 'format']));
    });
  });
});
