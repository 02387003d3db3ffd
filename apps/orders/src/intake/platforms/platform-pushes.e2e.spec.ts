import { createHmac, timingSafeEqual } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import type { RunningService, ServiceDefinition } from '@petalpost/platform';
import { createTestNamespace, eventually, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../orders.config';
import { OrdersModule } from '../../orders.module';
import { ordersService } from '../../orders.service';
import type { IntakeOrderInput } from '../domain/intake-order';
import { WritebackFailure } from '../writeback/writers/shop-status-writer';
import {
  type PlatformAccess,
  type PlatformConnector,
  type PushAnswer,
  type PushMeaning,
  PushRefused,
  type PushRequest,
  type PushVerdict,
  type StoredPush,
} from './platform-connector';

// Our Kafka and PostgreSQL are real and so is the orders service. The platform is not: this spec
// defines a fake third-party platform of its own (FakePlatform, below, standing in for Meituan's
// name only) so that the receive → store → process path is tested apart from any real platform's
// signature scheme; each real platform's connector has its own e2e spec against its stand-in.

const tokens = developmentTokens();
const nextYear = new Date().getUTCFullYear() + 1;
const window = { from: `${nextYear}-02-14T13:00:00+08:00`, to: `${nextYear}-02-14T15:00:00+08:00`, timeZone: 'Asia/Shanghai' };

/** What the fake platform pushes: JSON, signed with HMAC-SHA256 (hex, `X-Fake-Sign`) over the registered URL, a newline and the body. */
interface FakePush {
  event: 'order' | 'cancel' | 'refund' | 'reminder' | 'phone' | 'completed';
  orderId: string;
  at: string;
  order?: IntakeOrderInput;
  phone?: string;
  expiresAt?: string;
  note?: string;
}

const sign = (secret: string, callbackUrl: string, body: Buffer) => createHmac('sha256', secret).update(`${callbackUrl}\n`).update(body).digest('hex');

/** Its answers, byte for byte as it wants them: the receiver must write them as they are. */
const ACK = 'ok-fake';
const refusal = (code: string) => `{ "result" : "refused", "code" : "${code}" }`;

class FakePlatform implements PlatformConnector {
  readonly platform = 'meituan' as const;
  readonly pushTypes = ['order', 'cancel', 'refund', 'reminder', 'phone', 'completed'] as const;
  readonly statuses = [] as const;
  /** Order ids whose first read fails as a platform API that is briefly away would. */
  readonly failFirstReadOf = new Set<string>();
  readonly reads: string[] = [];

  verify(request: PushRequest, secrets: readonly string[]): PushVerdict {
    if (request.method === 'GET') return { store: false, ignored: 'probe' };
    const given = Buffer.from(String(request.headers['x-fake-sign'] ?? ''), 'hex');
    const signed = secrets.some((secret) => {
      const expected = Buffer.from(sign(secret, request.callbackUrl, request.rawBody), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!signed) throw new PushRefused('SIGNATURE_INVALID', 'X-Fake-Sign does not match');
    const push = JSON.parse(request.rawBody.toString('utf8')) as FakePush;
    if (push.event !== request.pushType) throw new PushRefused('MALFORMED', `a ${push.event} push at the ${request.pushType} URL`);
    return { store: true, eventId: `${push.orderId}:${push.event}:${push.at}`, topic: `fake.${push.event}` };
  }

  ack(): PushAnswer {
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: ACK };
  }

  refuse(_request: PushRequest, refused: PushRefused): PushAnswer {
    return { status: refused.code === 'SHOP_NOT_CONNECTED' ? 404 : 403, contentType: 'application/json', body: refusal(refused.code) };
  }

  async read(push: StoredPush, access: PlatformAccess): Promise<PushMeaning> {
    const body = JSON.parse(push.body.toString('utf8')) as FakePush;
    this.reads.push(`${body.orderId}:${body.event}:${access.appKey}`);
    if (this.failFirstReadOf.delete(body.orderId)) throw new WritebackFailure('order.get: HTTP 503', true);
    const ref = { externalRef: body.orderId, at: body.at };
    switch (body.event) {
      case 'order':
        return { kind: 'order', externalRef: body.orderId, externalUpdatedAt: body.at, order: body.order as never };
      case 'cancel':
        return { kind: 'cancelled', ...ref, reason: body.note ?? 'the buyer cancelled' };
      case 'refund':
        return { kind: 'partly_refunded', ...ref, note: body.note ?? 'part refunded' };
      case 'reminder':
        return { kind: 'reminder', ...ref, ...(body.note ? { note: body.note } : {}) };
      case 'phone':
        return { kind: 'recipient_phone', ...ref, phone: { phone: body.phone ?? '', ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}) } };
      case 'completed':
        return { kind: 'completed', ...ref };
    }
  }

  async write(): Promise<{ remoteRef?: string }> {
    throw new WritebackFailure('the fake platform takes no write-back', false);
  }

  samplePush(access: PlatformAccess, callbackUrl: string) {
    const body = Buffer.from(JSON.stringify({ event: 'order', orderId: 'SAMPLE', at: new Date().toISOString() } satisfies FakePush));
    const url = `${callbackUrl}/order`;
    return { pushType: 'order', contentType: 'application/json', headers: { 'X-Fake-Sign': sign(access.secret, url, body) }, body };
  }
}

const anOrder = (ref: string, overrides: Partial<IntakeOrderInput> = {}): IntakeOrderInput => ({
  displayRef: ref,
  channel: 'web',
  buyer: { name: '王先生', phone: '13900000000' },
  recipient: { name: '李女士', phone: '13812345678,1234', phoneExpiresAt: `${nextYear}-02-14T10:00:00.000Z`, address: { text: '上海市静安区南京西路1号' } },
  items: [{ sku: 'ROSE-11', name: '11枝红玫瑰', quantity: 1 }],
  deliveryWindow: window,
  cardMessage: '生日快乐',
  anonymousSender: true,
  paid: true,
  ...overrides,
});

describe('pushes from a Chinese platform: received, stored once, and done through the order’s own commands (real service, Postgres and Kafka; a fake platform)', () => {
  const fake = new FakePlatform();
  let service: RunningService<OrdersConfig>;
  let staff: string;
  let connectionId: string;
  const SECRET = 'fake-app-secret-0123456789';
  let nextId = Date.now();

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${staff}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };
  const callbackUrl = (connection: string, pushType: string) => `${service.config.ORDERS_INTAKE_PUBLIC_URL}/intake/pushes/meituan/${connection}/${pushType}`;
  /** The platform pushes to the URL the shop registered, as a proxy in front of us forwards it. */
  const push = async (content: FakePush, { connection = connectionId, secret = SECRET, pushType = content.event as string } = {}) => {
    const body = Buffer.from(JSON.stringify(content));
    const response = await fetch(`${service.url}/intake/pushes/meituan/${connection}/${pushType}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-sign': sign(secret, callbackUrl(connection, pushType), body) },
      body,
    });
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  };
  const deliveries = async (connection = connectionId) =>
    (await call('GET', `/intake/connections/${connection}/deliveries?limit=100`)).body.deliveries as Array<Record<string, string>>;
  /** What became of a push, once the worker has processed it. */
  const processed = (eventId: string) =>
    eventually(async () => {
      const delivery = (await deliveries()).find((d) => d.eventId === eventId);
      expect(delivery?.state).toBe('processed');
      return delivery as Record<string, string>;
    });
  const order = async (orderId: string) => (await call('GET', `/orders/${orderId}`)).body;
  const eventCount = async () => Number((await service.app.get(DataSource).query<Array<{ n: string }>>(`SELECT count(*) AS n FROM events`))[0].n);
  const placed = async (ref: string, overrides: Partial<IntakeOrderInput> = {}) => {
    const at = new Date().toISOString();
    expect((await push({ event: 'order', orderId: ref, at, order: anOrder(ref, overrides) })).body).toBe(ACK);
    const delivery = await processed(`${ref}:order:${at}`);
    expect(delivery).toMatchObject({ outcome: 'placed', externalRef: ref });
    return delivery.orderId;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    const withFake: ServiceDefinition<OrdersConfig> = {
      ...ordersService,
      module: (config, logger) => OrdersModule.forRoot(config, logger, { platformConnectors: [fake] }),
    };
    service = await startTestService(withFake, { KAFKA_NAMESPACE: namespace, ORDERS_INTAKE_WORKER_POLL_MS: '100' });
    const shop = uniqueName('shop');
    staff = tokens.sign({ role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    const created = await call('POST', '/intake/connections', {
      platform: 'meituan',
      label: '美团闪购',
      timeZone: 'Asia/Shanghai',
      appKey: 'fake-app-1',
      appSecret: SECRET,
      storeRef: 'poi-77',
      rules: { cardMarkers: ['贺卡'] },
    });
    expect(created.status).toBe(201);
    connectionId = (created.body.connection as { connectionId: string }).connectionId;
  });
  afterAll(async () => {
    await service?.app.close();
  });

  it('connects the store with its app key, shows a callback URL for each push type to paste, and never the secret', async () => {
    const { body } = await call('GET', '/intake/connections');
    const connection = (body.connections as Array<Record<string, unknown>>).find((c) => c.connectionId === connectionId);
    expect(connection).toMatchObject({
      platform: 'meituan',
      appKey: 'fake-app-1',
      storeRef: 'poi-77',
      rules: { cardMarkers: ['贺卡'] },
      source: 'meituan:poi-77',
      secretHint: '…6789',
      webhookUrl: callbackUrl(connectionId, 'order'),
      hasWriteBackCredentials: true,
    });
    expect(connection?.callbackUrls).toEqual(fake.pushTypes.map((pushType) => ({ pushType, url: callbackUrl(connectionId, pushType) })));
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it('refuses a connection lacking what its platform signs with or names the shop by, and a secret made here for a platform that issues its own', async () => {
    const base = { label: '店', timeZone: 'Asia/Shanghai', appKey: 'fake-app-2', appSecret: SECRET };
    const refused = async (body: Record<string, unknown>) => {
      const answer = await call('POST', '/intake/connections', body);
      expect(answer.status).toBe(400);
      return JSON.stringify(answer.body);
    };
    expect(await refused({ ...base, platform: 'meituan' })).toContain('names the shop on the platform');
    expect(await refused({ ...base, platform: 'wechat' })).toContain('message-push Token');
    expect(await refused({ ...base, platform: 'eleme', storeRef: 's-1', webhookSecret: 'a-secret-of-sixteen-chars' })).toContain('give appSecret');
    expect(await refused({ ...base, platform: 'shopify', shopDomain: 'x.myshopify.com' })).toContain('are for Meituan, Ele.me, Youzan and WeChat Store');
    expect((await call('POST', `/intake/connections/${connectionId}/secret/rotate`)).status).toBe(409);
  });

  it('refuses a forged push in the platform’s own shape and stores nothing', async () => {
    const forged = await push({ event: 'order', orderId: 'F-1', at: new Date().toISOString(), order: anOrder('F-1') }, { secret: 'not-the-app-secret-at-all' });
    expect(forged).toEqual({ status: 403, contentType: 'application/json', body: refusal('SIGNATURE_INVALID') });
    // Signed for another push type's URL: Meituan-style signatures cover the exact URL.
    const body = Buffer.from(JSON.stringify({ event: 'order', orderId: 'F-2', at: new Date().toISOString() }));
    const moved = await fetch(`${service.url}/intake/pushes/meituan/${connectionId}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-sign': sign(SECRET, callbackUrl(connectionId, 'order'), body) },
      body,
    });
    expect(moved.status).toBe(403);
    expect((await deliveries()).filter((d) => d.externalRef === 'F-1' || d.eventId.startsWith('F-'))).toEqual([]);
  });

  it('refuses a push for a connection that is unknown or switched off, in the platform’s shape, and stores nothing', async () => {
    const unknown = await push({ event: 'order', orderId: 'U-1', at: new Date().toISOString() }, { connection: '00000000-0000-4000-8000-000000000000' });
    expect(unknown).toEqual({ status: 404, contentType: 'application/json', body: refusal('SHOP_NOT_CONNECTED') });
    const notAnId = await push({ event: 'order', orderId: 'U-2', at: new Date().toISOString() }, { connection: 'not-a-connection' });
    expect(notAnId.body).toBe(refusal('SHOP_NOT_CONNECTED'));

    const other = await call('POST', '/intake/connections', {
      platform: 'meituan',
      label: '第二家店',
      timeZone: 'Asia/Shanghai',
      appKey: 'fake-app-1',
      appSecret: SECRET,
      storeRef: 'poi-88',
    });
    const otherId = (other.body.connection as { connectionId: string }).connectionId;
    expect((await call('PATCH', `/intake/connections/${otherId}`, { enabled: false })).status).toBe(200);
    const off = await push({ event: 'order', orderId: 'U-3', at: new Date().toISOString(), order: anOrder('U-3') }, { connection: otherId });
    expect(off).toEqual({ status: 404, contentType: 'application/json', body: refusal('SHOP_NOT_CONNECTED') });
    expect(await deliveries(otherId)).toEqual([]);
  });

  it('answers a platform at no push URL of ours 404, and a GET probe of a push URL in the platform’s shape', async () => {
    expect((await fetch(`${service.url}/intake/pushes/taobao/${connectionId}`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${service.url}/intake/pushes/meituan/${connectionId}/unheard-of`, { method: 'POST' })).status).toBe(404);
    const probe = await fetch(`${service.url}/intake/pushes/meituan/${connectionId}/order`);
    expect([probe.status, await probe.text()]).toEqual([200, ACK]);
  });

  it('places the order a push means, with buyer and recipient apart, the card, the anonymous flag and the privacy number’s expiry', async () => {
    const ref = `MT-${nextId++}`;
    const orderId = await placed(ref);
    expect(await order(orderId)).toMatchObject({
      status: 'placed',
      reference: ref,
      anonymousSender: true,
      cardMessage: '生日快乐',
      buyer: { name: '王先生', phone: '13900000000' },
      recipient: { name: '李女士', phone: '13812345678,1234', phoneExpiresAt: `${nextYear}-02-14T10:00:00.000Z`, address: { text: '上海市静安区南京西路1号' } },
      deliveryWindow: { from: window.from, to: window.to },
    });
    expect(fake.reads).toContain(`${ref}:order:fake-app-1`);
  });

  it('stores and places nothing more when the platform pushes the same push again', async () => {
    const ref = `MT-${nextId++}`;
    const at = new Date().toISOString();
    const content: FakePush = { event: 'order', orderId: ref, at, order: anOrder(ref) };
    expect((await push(content)).body).toBe(ACK);
    await processed(`${ref}:order:${at}`);
    const events = await eventCount();
    const again = await push(content);
    expect(again).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: ACK });
    expect((await deliveries()).filter((d) => d.externalRef === ref)).toHaveLength(1);
    expect(await eventCount()).toBe(events);
  });

  it('holds an order whose note the connector could not read with certainty, for staff, saying what', async () => {
    const ref = `MT-${nextId++}`;
    const at = new Date().toISOString();
    await push({ event: 'order', orderId: ref, at, order: anOrder(ref, { review: 'the note names a card 2 times (贺卡, 卡片)' }) });
    expect(await processed(`${ref}:order:${at}`)).toMatchObject({
      outcome: 'needs_attention',
      reason: 'unclear_note: the note names a card 2 times (贺卡, 卡片)',
    });
    const held = ((await call('GET', '/intake/attention')).body.items as Array<Record<string, unknown>>).find((i) => i.externalRef === ref);
    expect(held).toMatchObject({ reason: 'unclear_note', summary: { review: 'the note names a card 2 times (贺卡, 卡片)' } });
  });

  it('records a cancellation of an order it never had as skipped, and appends nothing', async () => {
    const events = await eventCount();
    const at = new Date().toISOString();
    expect((await push({ event: 'cancel', orderId: 'NEVER-SEEN', at })).body).toBe(ACK);
    expect(await processed(`NEVER-SEEN:cancel:${at}`)).toMatchObject({ outcome: 'skipped', reason: 'no such order', externalRef: 'NEVER-SEEN' });
    expect(await eventCount()).toBe(events);
    const laterOrder = await push({ event: 'order', orderId: 'NEVER-SEEN', at: new Date().toISOString(), order: anOrder('NEVER-SEEN') });
    expect(laterOrder.body).toBe(ACK);
  });

  it('cancels a placed order when the platform cancels it', async () => {
    const ref = `MT-${nextId++}`;
    const orderId = await placed(ref);
    const at = new Date().toISOString();
    await push({ event: 'cancel', orderId: ref, at, note: '用户取消' });
    expect(await processed(`${ref}:cancel:${at}`)).toMatchObject({ outcome: 'cancelled', orderId });
    expect(await order(orderId)).toMatchObject({ status: 'cancelled' });
  });

  it('gives the recipient the new privacy number and its expiry, keeping the rest of the recipient', async () => {
    const ref = `MT-${nextId++}`;
    const orderId = await placed(ref);
    const at = new Date().toISOString();
    const expiresAt = `${nextYear}-02-14T12:00:00.000Z`;
    await push({ event: 'phone', orderId: ref, at, phone: '13812345678,5678', expiresAt });
    expect(await processed(`${ref}:phone:${at}`)).toMatchObject({ outcome: 'corrected', orderId });
    expect((await order(orderId)).recipient).toEqual({
      name: '李女士',
      phone: '13812345678,5678',
      phoneExpiresAt: expiresAt,
      address: { text: '上海市静安区南京西路1号' },
    });

    // Downgraded to the real number: no expiry any more.
    const later = new Date().toISOString();
    await push({ event: 'phone', orderId: ref, at: later, phone: '13812345678' });
    await processed(`${ref}:phone:${later}`);
    expect((await order(orderId)).recipient).toEqual({ name: '李女士', phone: '13812345678', address: { text: '上海市静安区南京西路1号' } });
  });

  it('alerts staff on the order when the buyer chases it, and when part of it is refunded', async () => {
    const ref = `MT-${nextId++}`;
    const orderId = await placed(ref);
    const at = new Date().toISOString();
    await push({ event: 'reminder', orderId: ref, at, note: '催单：还要多久' });
    await push({ event: 'refund', orderId: ref, at, note: '部分退款 ¥20' });
    expect(await processed(`${ref}:reminder:${at}`)).toMatchObject({ outcome: 'flagged', reason: 'buyer_reminder', orderId });
    expect(await processed(`${ref}:refund:${at}`)).toMatchObject({ outcome: 'flagged', reason: 'partial_refund', orderId });
    const { openExceptions, status } = await order(orderId);
    expect(status).toBe('placed');
    expect((openExceptions as Array<{ kind: string; note: string }>).map(({ kind, note }) => ({ kind, note }))).toEqual(
      expect.arrayContaining([
        { kind: 'buyer_reminder', note: '催单：还要多久' },
        { kind: 'partial_refund', note: '部分退款 ¥20' },
      ]),
    );
  });

  it('records that the platform completed an order, changing nothing', async () => {
    const ref = `MT-${nextId++}`;
    const orderId = await placed(ref);
    const before = await order(orderId);
    const at = new Date().toISOString();
    await push({ event: 'completed', orderId: ref, at });
    expect(await processed(`${ref}:completed:${at}`)).toMatchObject({ outcome: 'completed', orderId });
    expect((await order(orderId)).version).toBe(before.version);
  });

  it('reads a push again after the platform’s API was briefly away, and places its order once', async () => {
    const ref = `MT-${nextId++}`;
    fake.failFirstReadOf.add(ref);
    const at = new Date().toISOString();
    await push({ event: 'order', orderId: ref, at, order: anOrder(ref) });
    const delivery = await eventually(async () => {
      const found = (await deliveries()).find((d) => d.eventId === `${ref}:order:${at}`);
      expect(found?.outcome).toBe('placed');
      return found;
    });
    expect(fake.reads.filter((r) => r.startsWith(`${ref}:`))).toHaveLength(2);
    expect((await order(delivery!.orderId)).status).toBe('placed');
  });

  it('tests the connection with the platform’s signed sample through the real push path, placing nothing', async () => {
    const events = await eventCount();
    const tested = await call('POST', `/intake/connections/${connectionId}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body.delivery).toMatchObject({ topic: 'petalpost/test', state: 'processed', outcome: 'tested' });
    expect(await eventCount()).toBe(events);
  });
});
