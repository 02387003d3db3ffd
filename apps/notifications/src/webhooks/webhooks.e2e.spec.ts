import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { type IntegrationEvent, namespaced, type OrderIntegrationEvent, TOPICS } from '@petalpost/contracts';
import { EventPublisher } from '@petalpost/kafka';
import { type RunningService } from '@petalpost/platform';
import { createTestNamespace, eventually, orderServiceEnvelope, personErased, rosesPlaced, startTestService, testInfra, uniqueName } from '@petalpost/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { NotificationsConfig } from '../notifications.config';
import { notificationsService } from '../notifications.service';
import { type ReceivedWebhook, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.fixture';

const tokens = developmentTokens();
const hour = 3_600_000;
/** Small numbers, so a whole retry schedule runs in a second or two; no jitter, so its growth shows. */
const RETRIES = { attempts: 4, baseMs: 300 };

/**
 * What a shop's receiver does (docs/notifications.md shows shops the same code): the timestamp is at
 * most five minutes off, and one v1= value equals, in constant time, the HMAC of "<timestamp>.<raw body>".
 */
function verifies(secret: string, headers: IncomingHttpHeaders, rawBody: string | Buffer, toleranceSeconds = 300): boolean {
  const timestamp = headers['petalpost-timestamp'];
  const signatures = headers['petalpost-signature'];
  if (typeof timestamp !== 'string' || !/^\d+$/.test(timestamp) || typeof signatures !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return signatures.split(',').some((part) => {
    const [scheme, hex = ''] = part.trim().split('=');
    const given = Buffer.from(hex, 'hex');
    return scheme === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

type Body = Record<string, unknown> & { code?: string };
type Webhook = { id: string; secret: string; path: string };
type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  cause: string;
  status: string;
  lastError: string | null;
  attempts: Array<{ attempt: number; statusCode: number | null; error: string | null }>;
};

describe('webhooks for shop systems (real service, Postgres, Kafka, and a shop system on 127.0.0.1)', () => {
  let service: RunningService<NotificationsConfig>;
  let receiver: WebhookReceiver;
  let publisher: EventPublisher;
  let ordersTopic: string;
  let dispatchTopic: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const staffOf = (shopId: string) => as({ role: 'staff', shopId });
  const operator = () => as({ role: 'operator' });
  const call = async (method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Body }> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Body };
  };

  const register = async (shopId: string, eventTypes: string[] = ['*']): Promise<Webhook> => {
    const path = `/${uniqueName('hook')}`;
    const created = await call('POST', `/shops/${shopId}/webhooks`, staffOf(shopId), { url: receiver.url(path), eventTypes });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, secret: created.body.secret as string, path };
  };
  const deliveriesOf = async (shopId: string, webhook: Webhook): Promise<Delivery[]> => {
    const { status, body } = await call('GET', `/shops/${shopId}/webhooks/${webhook.id}/deliveries?limit=100`, staffOf(shopId));
    expect(status).toBe(200);
    return body.items as Delivery[];
  };
  const bodyOf = (request: ReceivedWebhook) => JSON.parse(request.body) as { eventId: string; type: string; data: Record<string, unknown> };

  type NewerEvent = { type: string; data: Record<string, unknown> };
  const envelope = (
    shopId: string,
    event: OrderIntegrationEvent | NewerEvent,
    occurredAt = new Date().toISOString(),
    streamId = `order-${randomUUID()}`,
    streamVersion = 1,
  ) => orderServiceEnvelope(shopId, streamId, streamVersion, event, occurredAt);
  const accepted = (shopId: string, occurredAt?: string) =>
    envelope(shopId, { type: 'OrderAccepted', data: { orderId: randomUUID(), shopId, acceptedAt: occurredAt ?? new Date().toISOString() } }, occurredAt);
  const paid = (shopId: string, occurredAt?: string) =>
    envelope(shopId, { type: 'OrderPaid', data: { orderId: randomUUID(), shopId, paidAt: occurredAt ?? new Date().toISOString() } }, occurredAt);
  const finished = (shopId: string, occurredAt?: string) =>
    envelope(shopId, { type: 'ArrangementFinished', data: { orderId: randomUUID(), shopId, finishedAt: occurredAt ?? new Date().toISOString() } }, occurredAt);
  const publish = (...events: IntegrationEvent[]) => publisher.publish(ordersTopic, events);

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    ordersTopic = namespaced(TOPICS.ordersEvents.name, namespace);
    dispatchTopic = namespaced(TOPICS.dispatchEvents.name, namespace);
    receiver = await startWebhookReceiver();
    service = await startTestService(notificationsService, {
      KAFKA_NAMESPACE: namespace,
      WEBHOOK_MAX_ATTEMPTS: String(RETRIES.attempts),
      WEBHOOK_BACKOFF_BASE_MS: String(RETRIES.baseMs),
      WEBHOOK_BACKOFF_MAX_MS: '5000',
      WEBHOOK_BACKOFF_JITTER: '0',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_TIMEOUT_MS: '3000',
    });
    publisher = new EventPublisher(new Kafka({ clientId: 'orders-relay-stand-in', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }));
    await publisher.connect();
    // A new group starts at the log's end, which it learns on its first fetch, a moment after
    // joining: probe until an event arrives, so no test's events fall before that end.
    const probeShop = uniqueName('shop');
    const probe = await register(probeShop);
    await eventually(async () => {
      await publish(accepted(probeShop));
      await eventually(() => expect(receiver.received(probe.path).length).toBeGreaterThan(0), 2_000);
    }, 30_000);
  });
  afterAll(async () => {
    await publisher?.disconnect();
    await service?.app.close();
    await receiver?.close();
  });

  it('delivers a shop’s event to its endpoint, signed with the secret shown once at registration', async () => {
    const shop = uniqueName('shop');
    const created = await call('POST', `/shops/${shop}/webhooks`, staffOf(shop), {
      url: receiver.url('/first'),
      eventTypes: ['OrderAccepted'],
      description: 'Our shop system',
    });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body).toMatchObject({
      shopId: shop,
      url: receiver.url('/first'),
      eventTypes: ['OrderAccepted'],
      description: 'Our shop system',
      enabled: true,
    });

    const listed = await call('GET', `/shops/${shop}/webhooks`, staffOf(shop));
    expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, url: receiver.url('/first') })]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify((await call('GET', `/shops/${shop}/webhooks/${created.body.id as string}`, staffOf(shop))).body)).not.toContain(secret);

    const event = accepted(shop);
    await publish(event);
    const [request] = await eventually(() => {
      const got = receiver.received('/first');
      expect(got).toHaveLength(1);
      return got;
    });

    expect(JSON.parse(request.body)).toEqual({
      eventId: event.eventId,
      type: 'OrderAccepted',
      schemaVersion: 1,
      shopId: shop,
      streamId: event.streamId,
      streamVersion: 1,
      occurredAt: event.metadata.occurredAt,
      correlationId: event.metadata.correlationId,
      actor: { role: 'staff', subject: 'alice' },
      data: event.data,
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['petalpost-event-type']).toBe('OrderAccepted');
    expect(Math.abs(Number(request.headers['petalpost-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifies(secret, request.headers, request.body)).toBe(true);
    expect(verifies('whsec_not-the-secret', request.headers, request.body)).toBe(false);
    expect(verifies(secret, request.headers, request.body.replace(shop, 'another-shop'))).toBe(false);

    const delivery = (await eventually(async () => {
      const [found] = await deliveriesOf(shop, { id: created.body.id as string, secret, path: '/first' });
      expect(found.status).toBe('delivered');
      return found;
    })) as Delivery;
    expect(delivery).toMatchObject({
      id: request.headers['petalpost-webhook-id'],
      eventId: event.eventId,
      eventType: 'OrderAccepted',
      cause: 'event',
      lastError: null,
    });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null })]);
  });

  it('tries a failing endpoint again, with growing delays, until it answers 2xx — with the same webhook id each time', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    receiver.answer(webhook.path, 500, 500, 200);
    await publish(accepted(shop));

    const requests = await eventually(() => {
      const got = receiver.received(webhook.path);
      expect(got.map((r) => r.answered)).toEqual([500, 500, 200]);
      return got;
    });
    const [first, second, third] = requests.map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(RETRIES.baseMs);
    expect(third - second).toBeGreaterThanOrEqual(2 * RETRIES.baseMs);
    expect(third - second).toBeGreaterThan(second - first);
    expect(new Set(requests.map((r) => r.headers['petalpost-webhook-id'])).size).toBe(1);
    for (const request of requests) expect(verifies(webhook.secret, request.headers, request.body)).toBe(true);

    const [delivery] = await eventually(async () => {
      const found = await deliveriesOf(shop, webhook);
      expect(found[0].status).toBe('delivered');
      return found;
    });
    expect(delivery.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    expect(delivery.attempts[0].error).toBe('HTTP 500: receiver says 500');
  });

  it('parks a delivery that failed every attempt as a dead letter, which operators and the shop see and can retry', async () => {
    const shop = uniqueName('shop');
    const otherStaff = staffOf(uniqueName('shop'));
    const webhook = await register(shop);
    receiver.answer(webhook.path, 503);
    const event = accepted(shop);
    await publish(event);

    const [dead] = await eventually(async () => {
      const found = await deliveriesOf(shop, webhook);
      expect(found.map((d) => d.status)).toEqual(['dead_letter']);
      return found;
    }, 20_000);
    expect(receiver.received(webhook.path)).toHaveLength(RETRIES.attempts);

    const seenByOperator = await call('GET', `/webhooks/dead-letters?shopId=${shop}`, operator());
    expect(seenByOperator.status).toBe(200);
    expect(seenByOperator.body.items).toEqual([
      expect.objectContaining({
        id: dead.id,
        subscriptionId: webhook.id,
        shopId: shop,
        url: receiver.url(webhook.path),
        eventId: event.eventId,
        eventType: 'OrderAccepted',
        attempts: RETRIES.attempts,
        lastStatusCode: 503,
        lastError: 'HTTP 503: receiver says 503',
      }),
    ]);
    expect(((await call('GET', '/webhooks/dead-letters?limit=200', operator())).body.items as Body[]).map((d) => d.id)).toContain(dead.id);
    expect((await call('GET', '/webhooks/dead-letters', staffOf(shop))).body.items).toEqual([expect.objectContaining({ id: dead.id })]);
    // Another shop's staff neither see nor touch it.
    expect((await call('GET', '/webhooks/dead-letters', otherStaff)).body.items).toEqual([]);
    expect((await call('GET', `/webhooks/dead-letters?shopId=${shop}`, otherStaff)).status).toBe(404);
    expect((await call('POST', `/webhooks/dead-letters/${dead.id}/retry`, otherStaff)).status).toBe(404);

    receiver.answer(webhook.path, 200);
    const retried = await call('POST', `/webhooks/dead-letters/${dead.id}/retry`, operator());
    expect(retried).toMatchObject({ status: 202, body: { id: dead.id, status: 'pending' } });
    const requests = await eventually(() => {
      const got = receiver.received(webhook.path);
      expect(got.map((r) => r.answered)).toEqual([503, 503, 503, 503, 200]);
      return got;
    });
    // The same webhook id: a receiver that did act on an earlier attempt after all drops this one.
    expect(requests[4].headers['petalpost-webhook-id']).toBe(dead.id);
    await eventually(async () => expect((await deliveriesOf(shop, webhook))[0].status).toBe('delivered'));
    expect((await call('GET', `/webhooks/dead-letters?shopId=${shop}`, operator())).body.items).toEqual([]);
    expect(await call('POST', `/webhooks/dead-letters/${dead.id}/retry`, operator())).toMatchObject({ status: 409, body: { code: 'NOT_A_DEAD_LETTER' } });
  });

  it('sends each subscription only the event types it asked for, and only its own shop’s events, from any events topic', async () => {
    const shop = uniqueName('shop');
    const otherShop = uniqueName('shop');
    const filtered = await register(shop, ['OrderAccepted', 'RiderShiftStarted']);
    const everything = await register(shop, ['*']);
    const ofOtherShop = await register(otherShop, ['*']);

    const orderPaid = paid(shop);
    const orderAccepted = accepted(shop);
    const otherShopsEvent = accepted(otherShop);
    // A dispatch event this service has no contract for: any valid envelope goes out as it came.
    const shiftStarted = envelope(shop, { type: 'RiderShiftStarted', data: { riderId: 'li', startedAt: new Date().toISOString() } }, undefined, 'rider-li');
    await publish(orderPaid, orderAccepted, otherShopsEvent);
    await publisher.publish(dispatchTopic, [shiftStarted]);

    await eventually(() =>
      expect(
        receiver
          .received(everything.path)
          .map((r) => bodyOf(r).eventId)
          .sort(),
      ).toEqual([orderPaid, orderAccepted, shiftStarted].map((e) => e.eventId).sort()),
    );
    // Every subscription's deliveries of an event are queued in one transaction: what `everything` got, `filtered` was offered.
    expect((await deliveriesOf(shop, filtered)).map((d) => d.eventType).sort()).toEqual(['OrderAccepted', 'RiderShiftStarted']);
    await eventually(() =>
      expect(
        receiver
          .received(filtered.path)
          .map((r) => bodyOf(r).type)
          .sort(),
      ).toEqual(['OrderAccepted', 'RiderShiftStarted']),
    );
    expect(bodyOf(receiver.received(filtered.path).find((r) => bodyOf(r).type === 'RiderShiftStarted')!)).toMatchObject({
      eventId: shiftStarted.eventId,
      data: { riderId: 'li' },
    });
    await eventually(() => expect(receiver.received(ofOtherShop.path).map((r) => bodyOf(r).eventId)).toEqual([otherShopsEvent.eventId]));
  });

  it('keeps a shop’s webhooks from other shops’ staff (404) and from roles that do not manage them (403)', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    const path = `/shops/${shop}/webhooks`;
    const other = staffOf(uniqueName('shop'));

    for (const [method, route, body] of [
      ['GET', path],
      ['POST', path, { url: receiver.url('/sneaky'), eventTypes: ['*'] }],
      ['GET', `${path}/${webhook.id}`],
      ['PATCH', `${path}/${webhook.id}`, { url: receiver.url('/sneaky') }],
      ['DELETE', `${path}/${webhook.id}`],
      ['POST', `${path}/${webhook.id}/rotate-secret`],
      ['GET', `${path}/${webhook.id}/deliveries`],
      ['POST', `${path}/${webhook.id}/replay`, { from: new Date(Date.now() - hour).toISOString() }],
    ] as Array<[string, string, unknown?]>) {
      expect([method, route, (await call(method, route, other, body)).status]).toEqual([method, route, 404]);
    }
    // Nor through their own shop's path.
    const otherShopId = uniqueName('shop');
    expect((await call('GET', `/shops/${otherShopId}/webhooks/${webhook.id}`, staffOf(otherShopId))).status).toBe(404);
    expect((await call('GET', path, as({ role: 'florist', shopId: shop }))).status).toBe(403);
    expect((await call('GET', path, as({ role: 'dispatcher', shopId: shop }))).status).toBe(403);
    expect((await call('GET', path, undefined)).status).toBe(401);

    const seen = await call('GET', path, operator());
    expect(seen.status).toBe(200);
    expect(seen.body.items).toEqual([expect.objectContaining({ id: webhook.id, url: receiver.url(webhook.path), enabled: true })]);
  });

  it('replays exactly the shop’s events since a time (of the asked types) as new deliveries', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    const now = Date.now();
    const ago = (hours: number) => new Date(now - hours * hour).toISOString();
    const before = accepted(shop, ago(3));
    const acceptedSince = accepted(shop, ago(2));
    const paidSince = paid(shop, ago(1));
    const finishedSince = finished(shop, ago(1));
    await publish(before, acceptedSince, paidSince, finishedSince, accepted(uniqueName('shop'), ago(1)));
    await eventually(() => expect(receiver.received(webhook.path)).toHaveLength(4));
    const firstIds = new Set(receiver.received(webhook.path).map((r) => r.headers['petalpost-webhook-id']));

    const replay = await call('POST', `/shops/${shop}/webhooks/${webhook.id}/replay`, staffOf(shop), {
      from: ago(2.5),
      eventTypes: ['OrderAccepted', 'OrderPaid'],
    });
    expect(replay).toMatchObject({ status: 202, body: { replayed: 2, from: ago(2.5), eventTypes: ['OrderAccepted', 'OrderPaid'] } });
    const resent = await eventually(() => {
      const got = receiver.received(webhook.path).slice(4);
      expect(got.map((r) => bodyOf(r).eventId).sort()).toEqual([acceptedSince.eventId, paidSince.eventId].sort());
      return got;
    });
    for (const request of resent) expect(firstIds.has(request.headers['petalpost-webhook-id'])).toBe(false);

    const everythingSince = await call('POST', `/shops/${shop}/webhooks/${webhook.id}/replay`, operator(), { from: ago(1.5) });
    expect(everythingSince).toMatchObject({ status: 202, body: { replayed: 2, eventTypes: 'all' } });
    await eventually(() =>
      expect(
        receiver
          .received(webhook.path)
          .slice(6)
          .map((r) => bodyOf(r).eventId)
          .sort(),
      ).toEqual([paidSince.eventId, finishedSince.eventId].sort()),
    );
    await eventually(async () => {
      const replayed = (await deliveriesOf(shop, webhook)).filter((d) => d.cause === 'replay');
      expect(replayed.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
    });
  });

  it('signs with the new and the old secret during the grace period after a rotation', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    // Rotating takes no fields: a secret of the caller's choosing is refused, and the secret stays.
    expect((await call('POST', `/shops/${shop}/webhooks/${webhook.id}/rotate-secret`, staffOf(shop), { secret: 'whsec_mine' })).status).toBe(400);
    expect((await call('GET', `/shops/${shop}/webhooks/${webhook.id}`, staffOf(shop))).body.previousSecretExpiresAt).toBeFalsy();
    const rotated = await call('POST', `/shops/${shop}/webhooks/${webhook.id}/rotate-secret`, staffOf(shop));
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(webhook.secret);
    const graceEnds = Date.parse(rotated.body.previousSecretExpiresAt as string);
    expect(Math.abs(graceEnds - (Date.now() + 24 * hour))).toBeLessThan(60_000);
    expect((await call('GET', `/shops/${shop}/webhooks/${webhook.id}`, staffOf(shop))).body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);

    await publish(accepted(shop));
    const [request] = await eventually(() => {
      const got = receiver.received(webhook.path);
      expect(got).toHaveLength(1);
      return got;
    });
    expect(String(request.headers['petalpost-signature']).split(',')).toHaveLength(2);
    // A receiver still on the old secret keeps working, and so does one already on the new.
    expect(verifies(webhook.secret, request.headers, request.body)).toBe(true);
    expect(verifies(newSecret, request.headers, request.body)).toBe(true);
  });

  it('refuses bad input with 400 and stores nothing', async () => {
    const shop = uniqueName('shop');
    const staff = staffOf(shop);
    const path = `/shops/${shop}/webhooks`;
    const url = receiver.url('/never');
    for (const body of [
      { url, eventTypes: ['*'], colour: 'red' },
      { url: 'not a url', eventTypes: ['*'] },
      { url: 'ftp://files.example.com/in', eventTypes: ['*'] },
      { url: 'javascript:alert(1)', eventTypes: ['*'] },
      { url, eventTypes: [] },
      { url, eventTypes: ['*', 'OrderPaid'] },
      { url, eventTypes: ['order.created'] },
      { url },
      { eventTypes: ['*'] },
    ]) {
      const refused = await call('POST', path, staff, body);
      expect([body, refused.status, refused.body.code]).toEqual([body, 400, 'VALIDATION_FAILED']);
    }
    expect(await call('POST', path, staff, { url: 'https://user:secret@shop.example.com/hook', eventTypes: ['*'] })).toMatchObject({
      status: 400,
      body: { code: 'WEBHOOK_URL_NOT_ALLOWED' },
    });
    expect((await call('GET', path, staff)).body.items).toEqual([]);

    const webhook = await register(shop);
    for (const body of [{ enabled: false, colour: 'red' }, {}, { url: 'ftp://files.example.com/in' }, { eventTypes: [] }]) {
      expect([body, (await call('PATCH', `${path}/${webhook.id}`, staff, body)).status]).toEqual([body, 400]);
    }
    for (const body of [{ from: 'yesterday' }, { from: new Date().toISOString(), colour: 'red' }, {}]) {
      expect([body, (await call('POST', `${path}/${webhook.id}/replay`, staff, body)).status]).toEqual([body, 400]);
    }
    expect((await call('GET', `${path}/not-a-uuid`, staff)).status).toBe(400);
    expect((await call('GET', path, staff)).body.items).toEqual([
      expect.objectContaining({ id: webhook.id, url: receiver.url(webhook.path), eventTypes: ['*'], enabled: true }),
    ]);
  });

  it('switches a subscription off when its endpoint answers 410 Gone, until the shop switches it on again', async () => {
    const shop = uniqueName('shop');
    const gone = await register(shop);
    const witness = await register(shop);
    receiver.answer(gone.path, 410);
    const first = accepted(shop);
    await publish(first);
    await eventually(async () =>
      expect((await call('GET', `/shops/${shop}/webhooks/${gone.id}`, staffOf(shop))).body).toMatchObject({ enabled: false, disabledReason: 'gone' }),
    );

    const whileOff = accepted(shop);
    await publish(whileOff);
    await eventually(() => expect(receiver.received(witness.path).map((r) => bodyOf(r).eventId)).toEqual([first.eventId, whileOff.eventId]));
    expect(receiver.received(gone.path)).toHaveLength(1);
    expect((await deliveriesOf(shop, gone)).map((d) => [d.eventId, d.status])).toEqual([[first.eventId, 'cancelled']]);

    const switchedOn = await call('PATCH', `/shops/${shop}/webhooks/${gone.id}`, staffOf(shop), { enabled: true });
    expect(switchedOn).toMatchObject({ status: 200, body: { enabled: true, disabledReason: null } });
    receiver.answer(gone.path, 200);
    const afterwards = accepted(shop);
    await publish(afterwards);
    await eventually(() => expect(receiver.received(gone.path).map((r) => bodyOf(r).eventId)).toEqual([first.eventId, afterwards.eventId]));
  });

  it('stops delivering to a deleted webhook', async () => {
    const shop = uniqueName('shop');
    const deleted = await register(shop);
    const witness = await register(shop);
    expect((await call('DELETE', `/shops/${shop}/webhooks/${deleted.id}`, staffOf(shop))).status).toBe(204);
    expect((await call('GET', `/shops/${shop}/webhooks`, staffOf(shop))).body.items).toEqual([expect.objectContaining({ id: witness.id })]);
    expect((await call('DELETE', `/shops/${shop}/webhooks/${deleted.id}`, staffOf(shop))).status).toBe(404);

    const event = accepted(shop);
    await publish(event);
    await eventually(() => expect(receiver.received(witness.path)).toHaveLength(1));
    expect(receiver.received(deleted.path)).toEqual([]);
  });

  /** An order of one recipient, placed and delivered an hour ago, and that recipient's erasure. */
  const recipientsOrder = (shop: string) => {
    const orderId = randomUUID();
    const stream = `order-${orderId}`;
    const personId = uniqueName('person');
    const at = new Date(Date.now() - hour).toISOString();
    const recipient = { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht' } };
    const placed = envelope(
      shop,
      { type: 'OrderPlaced', data: rosesPlaced({ orderId, shopId: shop }, { recipientPersonId: personId, recipient, placedAt: at }) },
      at,
      stream,
      1,
    );
    const delivered = envelope(
      shop,
      {
        type: 'OrderDelivered',
        data: { orderId, shopId: shop, riderId: 'li', outcome: { kind: 'neighbour' }, proof: { at }, receivedBy: 'Mrs. Jansen, no. 14', deliveredAt: at },
      },
      at,
      stream,
      2,
    );
    const erased = personErased(shop, personId);
    return { placed, delivered, erased, recipient, personId };
  };

  it('replays an erased recipient’s orders without their personal data', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    const { placed, delivered, erased, recipient, personId } = recipientsOrder(shop);
    await publish(placed, delivered);
    await eventually(() => expect(receiver.received(webhook.path)).toHaveLength(2));
    expect(bodyOf(receiver.received(webhook.path)[0]).data.recipient).toEqual(recipient);
    await publisher.publish(ordersTopic, [erased]);
    await eventually(() => expect(receiver.received(webhook.path)).toHaveLength(3));

    const replay = await call('POST', `/shops/${shop}/webhooks/${webhook.id}/replay`, staffOf(shop), {
      from: new Date(Date.now() - 2 * hour).toISOString(),
      eventTypes: ['OrderPlaced', 'OrderDelivered'],
    });
    expect(replay.body.replayed).toBe(2);
    const resent = await eventually(() => {
      const got = receiver.received(webhook.path).slice(3).map(bodyOf);
      expect(got).toHaveLength(2);
      return got;
    });
    expect(resent.find((b) => b.type === 'OrderPlaced')?.data).toMatchObject({ recipientPersonId: personId, recipient: null });
    expect(resent.find((b) => b.type === 'OrderDelivered')?.data).toMatchObject({ receivedBy: null, outcome: { kind: 'neighbour' } });
  });

  it('sends an order’s events without a recipient whose erasure was handled first', async () => {
    const shop = uniqueName('shop');
    const webhook = await register(shop);
    const { placed, delivered, erased, personId } = recipientsOrder(shop);
    // Keyed by person, the erasure may overtake the order's older events on another partition.
    await publisher.publish(ordersTopic, [erased]);
    await eventually(() => expect(receiver.received(webhook.path)).toHaveLength(1));
    await publish(placed, delivered);
    const sent = await eventually(() => {
      const got = receiver.received(webhook.path).slice(1).map(bodyOf);
      expect(got).toHaveLength(2);
      return got;
    });
    expect(sent.find((b) => b.type === 'OrderPlaced')?.data).toMatchObject({ recipientPersonId: personId, recipient: null });
    expect(sent.find((b) => b.type === 'OrderDelivered')?.data).toMatchObject({ receivedBy: null });
  });
});
