import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { createAccountsClient, createDispatchClient, createMessagingClient, createNotificationsClient, createOrdersClient } from '@petalpost/api-clients';
import { developmentTokens, type Principal } from '@petalpost/auth';
import { createTestNamespace, eventually, OpenApiResponseChecker, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import type { Middleware } from 'openapi-fetch';
import sharp from 'sharp';

const SERVICES = ['orders', 'dispatch', 'messaging', 'notifications', 'accounts'] as const;
type Service = (typeof SERVICES)[number];

const tokens = developmentTokens();
const nextYear = new Date().getUTCFullYear() + 1;
const valentines = { from: `${nextYear}-02-14T13:00:00+01:00`, to: `${nextYear}-02-14T15:00:00+01:00` };
const shopAt = { lat: 52.09, lng: 5.12 };
const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const roses = (window: { from: string; to: string } = valentines) => ({
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { ...window, timeZone: 'Europe/Amsterdam' },
  buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
  recipient: { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht', geo: { lat: 52.1, lng: 5.13 } } },
  cardMessage: 'Happy birthday',
});

/**
 * Every answer of this spec is checked against the OpenAPI document its service serves: the five
 * services run as their own built processes on one Kafka namespace, as `npm start` runs them, and
 * the flows follow an order through the four that handle it, and a shop's team through accounts. Each test ends by asserting that no answer differed
 * from its document; the assertions on the way only make sure the flow went where it should.
 */
describe('every answer matches its service’s OpenAPI document (five services, Kafka and PostgreSQL)', () => {
  const running = {} as Record<Service, ServiceProcess>;
  const checkers = {} as Record<Service, OpenApiResponseChecker>;
  let receiver: Server;
  let receiverUrl: string;

  const as = (p: Partial<Principal> & Pick<Principal, 'role'>) => tokens.sign({ sub: uniqueName('user'), ...p } as Principal);
  const checked = <C extends { use(...middleware: Middleware[]): void }>(service: Service, client: C): C => {
    client.use(checkers[service].middleware());
    return client;
  };
  const orders = (token?: string) => checked('orders', createOrdersClient(running.orders.url, { token }));
  const dispatch = (token?: string) => checked('dispatch', createDispatchClient(running.dispatch.url, { token }));
  const messaging = (token?: string) => checked('messaging', createMessagingClient(running.messaging.url, { token }));
  const notifications = (token?: string) => checked('notifications', createNotificationsClient(running.notifications.url, { token }));
  const accounts = (token?: string) => checked('accounts', createAccountsClient(running.accounts.url, { token }));
  /** A request a typed client cannot make (a path of several segments behind one parameter, an endless stream), checked all the same. */
  const plain = async (service: Service, method: string, documentedPath: string, url: string, init: RequestInit = {}) => {
    const controller = new AbortController();
    const response = await fetch(url, { method, redirect: 'manual', signal: controller.signal, ...init });
    // An event stream never ends: its first event stands for its body.
    const body = response.headers.get('content-type')?.startsWith('text/event-stream') ? await firstChunk(response) : await response.text();
    controller.abort();
    checkers[service].mismatches.push(
      ...checkers[service].check({ method, path: documentedPath, status: response.status, contentType: response.headers.get('content-type'), body }),
    );
    return { status: response.status, body };
  };

  beforeAll(async () => {
    // A shop system's webhook endpoint: /fails answers 500, everything else 204.
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(request.url === '/fails' ? 500 : 204).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    const namespace = await createTestNamespace();
    const env: Record<Service, Record<string, string>> = {
      orders: {},
      dispatch: {},
      messaging: {},
      // One attempt per webhook delivery, so a failing endpoint makes a dead letter at once.
      notifications: { WEBHOOK_MAX_ATTEMPTS: '1', WEBHOOK_POLL_INTERVAL_MS: '50' },
      accounts: {},
    };
    await Promise.all(
      SERVICES.map(async (name) => {
        running[name] = await startServiceProcess(name, { KAFKA_NAMESPACE: namespace, ...env[name] });
        checkers[name] = new OpenApiResponseChecker(await (await fetch(`${running[name].url}/docs/json`)).json(), name);
      }),
    );
  }, 180_000);
  afterAll(async () => {
    await Promise.all(Object.values(running).map((service) => service.stop()));
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  });
  afterEach(() => {
    const mismatches = SERVICES.flatMap((name) => checkers[name].mismatches.splice(0).map((m) => `${name}: ${m}`));
    expect([...new Set(mismatches)]).toEqual([]);
  });

  /** A placed order of the shop, accepted and made when asked. */
  const anOrder = async (staff: string, steps: Array<'accept' | 'production/start' | 'production/finish'> = []) => {
    const { data, response } = await orders(staff).POST('/orders', { body: roses() });
    expect(response.status).toBe(201);
    for (const step of steps)
      expect((await orders(staff).POST(`/orders/{orderId}/${step}`, { params: { path: { orderId: data!.orderId } }, body: {} })).response.status).toBe(200);
    return data!;
  };

  it('orders: an order from placement to delivery, and the refusals on the way', async () => {
    const shop = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const florist = as({ role: 'florist', shopId: shop });
    const rita = uniqueName('rita');
    const rider = as({ role: 'rider', shopId: shop, sub: rita });
    const asStaff = orders(staff);

    const placed = await asStaff.POST('/orders', { params: { header: { 'Idempotency-Key': `place-${shop}` } }, body: roses() });
    expect(placed.response.status).toBe(201);
    const orderId = placed.data!.orderId;
    const path = { orderId };
    expect((await asStaff.POST('/orders', { params: { header: { 'Idempotency-Key': `place-${shop}` } }, body: roses() })).data?.orderId).toBe(orderId);
    expect((await asStaff.GET('/orders/{orderId}', { params: { path } })).response.status).toBe(200);
    expect((await asStaff.GET('/orders/{orderId}/history', { params: { path } })).response.status).toBe(200);
    await eventually(async () => expect((await asStaff.GET('/orders', { params: { query: { shopId: shop } } })).data?.items).toHaveLength(1));

    expect((await asStaff.POST('/orders/{orderId}/accept', { params: { path, header: { 'If-Match': '"1"' } }, body: {} })).response.status).toBe(200);
    expect(
      (await asStaff.POST('/orders/{orderId}/cancel', { params: { path, header: { 'If-Match': '"1"' } }, body: { reason: 'late' } })).response.status,
    ).toBe(412);
    expect((await asStaff.POST('/orders/{orderId}/payment', { params: { path }, body: {} })).response.status).toBe(200);
    expect((await orders(florist).POST('/orders/{orderId}/production/start', { params: { path }, body: {} })).response.status).toBe(200);
    expect((await orders(florist).POST('/orders/{orderId}/production/photos', { params: { path }, body: { photoRef: 'photos/a.jpg' } })).response.status).toBe(
      200,
    );
    expect((await orders(florist).POST('/orders/{orderId}/production/finish', { params: { path }, body: {} })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/rider', { params: { path }, body: { riderId: 'ron' } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/rider/unassign', { params: { path }, body: { riderId: 'ron', reason: 'ill' } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/rider', { params: { path }, body: { riderId: rita } })).response.status).toBe(200);
    const address = { recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 5, Utrecht' } } };
    expect((await asStaff.POST('/orders/{orderId}/address', { params: { path }, body: address })).response.status).toBe(200);
    expect((await orders(rider).POST('/orders/{orderId}/pickup', { params: { path }, body: { pickupCode: 'AAAAA' } })).response.status).toBe(409);
    expect((await orders(rider).POST('/orders/{orderId}/pickup', { params: { path }, body: { pickupCode: placed.data!.pickupCode! } })).response.status).toBe(
      200,
    );
    expect((await orders(rider).POST('/orders/{orderId}/delivery/carded', { params: { path }, body: { note: 'Nobody home' } })).response.status).toBe(200);
    expect((await orders(rider).POST('/orders/{orderId}/delivery/reattempt', { params: { path }, body: {} })).response.status).toBe(200);
    expect(
      (await orders(rider).POST('/orders/{orderId}/delivery/failed', { params: { path }, body: { reason: 'recipient_unavailable' } })).response.status,
    ).toBe(200);
    const later = { from: `${nextYear}-02-15T13:00:00+01:00`, to: `${nextYear}-02-15T15:00:00+01:00` };
    expect((await asStaff.POST('/orders/{orderId}/delivery/reschedule', { params: { path }, body: { deliveryWindow: later } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/rider', { params: { path }, body: { riderId: rita } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/pickup', { params: { path }, body: {} })).response.status).toBe(200);
    const delivered = await orders(rider).POST('/orders/{orderId}/delivery', { params: { path }, body: { outcome: { kind: 'recipient' } } });
    expect(delivered.data?.status).toBe('delivered');
    expect((await asStaff.POST('/orders/{orderId}/cancel', { params: { path }, body: { reason: 'too late' } })).response.status).toBe(409);

    // Another order fails and comes back; a third moves its window and is rejected.
    const second = await anOrder(staff, ['accept', 'production/start', 'production/finish']);
    const secondPath = { orderId: second.orderId };
    expect((await asStaff.POST('/orders/{orderId}/rider', { params: { path: secondPath }, body: { riderId: rita } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/pickup', { params: { path: secondPath }, body: {} })).response.status).toBe(200);
    expect(
      (await orders(rider).POST('/orders/{orderId}/delivery/failed', { params: { path: secondPath }, body: { reason: 'wrong_address' } })).response.status,
    ).toBe(200);
    expect((await orders(rider).POST('/orders/{orderId}/return', { params: { path: secondPath }, body: { note: 'Back on shelf 3' } })).response.status).toBe(
      200,
    );
    const third = await anOrder(staff);
    const thirdPath = { orderId: third.orderId };
    expect((await asStaff.POST('/orders/{orderId}/window', { params: { path: thirdPath }, body: { deliveryWindow: later } })).response.status).toBe(200);
    expect((await asStaff.POST('/orders/{orderId}/reject', { params: { path: thirdPath }, body: { reason: 'Out of roses' } })).response.status).toBe(200);

    // Refusals: no token, a role that may not, another shop, an invalid body.
    expect((await orders().POST('/orders', { body: roses() })).response.status).toBe(401);
    expect((await orders(rider).POST('/orders', { body: roses() })).response.status).toBe(403);
    expect((await orders(as({ role: 'staff', shopId: uniqueName('shop') })).GET('/orders/{orderId}', { params: { path } })).response.status).toBe(404);
    expect((await asStaff.POST('/orders', { body: { ...roses(), items: [] } })).response.status).toBe(400);
    expect((await asStaff.POST('/orders', { body: { ...roses(), reference: 'x'.repeat(300 * 1024) } })).response.status).toBe(413);
    const form = await asStaff.POST('/orders', {
      body: roses(),
      bodySerializer: () => 'items=roses',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.response.status).toBe(415);
  });

  it('orders: projections, erasure, delivery slots and health', async () => {
    const shop = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop });
    const operator = orders(as({ role: 'operator', sub: 'olga' }));
    const order = await anOrder(staff);

    const projections = await operator.GET('/admin/projections');
    expect(projections.response.status).toBe(200);
    expect((await operator.POST('/admin/projections/{name}/rebuild', { params: { path: { name: 'order-summaries' } }, body: {} })).response.status).toBe(202);
    expect((await operator.POST('/admin/projections/{name}/rebuild', { params: { path: { name: 'no-such-projection' } }, body: {} })).response.status).toBe(
      404,
    );
    expect((await orders(staff).POST('/people/{personId}/erasure', { params: { path: { personId: order.buyerPersonId! } }, body: {} })).response.status).toBe(
      200,
    );

    const slots = { timeZone: 'Europe/Amsterdam', slotMinutes: 120, capacity: 8 };
    expect((await orders(staff).PUT('/shops/{shopId}/delivery-slots', { params: { path: { shopId: shop } }, body: slots })).response.status).toBe(200);
    const date = `${nextYear}-02-14`;
    expect((await orders(staff).GET('/shops/{shopId}/delivery-slots', { params: { path: { shopId: shop }, query: { date } } })).response.status).toBe(200);
    const other = uniqueName('shop');
    const unplanned = await orders(as({ role: 'staff', shopId: other })).GET('/shops/{shopId}/delivery-slots', {
      params: { path: { shopId: other }, query: { date } },
    });
    expect(unplanned.response.status).toBe(404);
    expect((await orders(staff).GET('/shops/{shopId}/delivery-slots/plan', { params: { path: { shopId: shop } } })).data).toMatchObject(slots);
    expect(
      (await orders(as({ role: 'staff', shopId: other })).GET('/shops/{shopId}/delivery-slots/plan', { params: { path: { shopId: other } } })).response.status,
    ).toBe(404);

    expect((await orders().GET('/health/live')).response.status).toBe(200);
    await eventually(async () => expect((await orders().GET('/health/ready')).response.status).toBe(200));
  });

  it('orders: intake connections, Shopify and WooCommerce webhooks, held orders', async () => {
    const shop = uniqueName('shop');
    const asStaff = orders(as({ role: 'staff', shopId: shop }));
    const shopDomain = `${uniqueName('petals').toLowerCase().replace(/_/g, '-')}.myshopify.com`;
    const secret = 'openapi-responses-secret-0123456789';
    const shopify = await asStaff.POST('/intake/connections', {
      body: { platform: 'shopify', label: 'Web shop', shopDomain, timeZone: 'Europe/Amsterdam', webhookSecret: secret },
    });
    expect(shopify.response.status).toBe(201);
    expect(
      (await asStaff.POST('/intake/connections', { body: { platform: 'shopify', label: 'Again', shopDomain, timeZone: 'Europe/Amsterdam' } })).response.status,
    ).toBe(409);
    const woo = await asStaff.POST('/intake/connections', {
      body: { platform: 'woocommerce', label: 'WordPress', siteUrl: 'https://blooms.example.com/', timeZone: 'Europe/Amsterdam' },
    });
    expect(woo.response.status).toBe(201);
    const connectionId = shopify.data!.connection.connectionId;
    const path = { connectionId };
    expect((await asStaff.GET('/intake/connections')).data?.connections).toHaveLength(2);
    expect((await asStaff.PATCH('/intake/connections/{connectionId}', { params: { path }, body: { label: 'Online shop' } })).response.status).toBe(200);
    expect((await asStaff.PATCH('/intake/connections/{connectionId}', { params: { path }, body: { colour: 'red' } as never })).response.status).toBe(400);
    expect((await asStaff.POST('/intake/connections/{connectionId}/test', { params: { path } })).response.status).toBe(200);
    const rotated = await asStaff.POST('/intake/connections/{connectionId}/secret/rotate', { params: { path } });
    expect(rotated.response.status).toBe(200);
    expect((await asStaff.GET('/intake/connections/{connectionId}/deliveries', { params: { path, query: { limit: 5 } } })).response.status).toBe(200);
    const elsewhere = orders(as({ role: 'staff', shopId: uniqueName('shop') }));
    expect((await elsewhere.GET('/intake/connections/{connectionId}/deliveries', { params: { path } })).response.status).toBe(404);
    expect((await asStaff.GET('/intake/connections/{connectionId}/writebacks', { params: { path, query: { limit: 5 } } })).data?.writebacks).toEqual([]);
    expect((await elsewhere.GET('/intake/connections/{connectionId}/writebacks', { params: { path } })).response.status).toBe(404);

    // Deliveries as Shopify sends them: signed over the body's bytes. These lack a delivery date, so they are held for staff.
    const deliver = (body: string, hmac = createHmac('sha256', secret).update(body).digest('base64'), domain = shopDomain) =>
      plain('orders', 'POST', '/intake/shopify/webhooks', `${running.orders.url}/intake/shopify/webhooks`, {
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': domain,
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': randomUUID(),
        },
        body,
      });
    const undated = (id: number) =>
      JSON.stringify({
        id,
        name: `#${id}`,
        updated_at: '2026-02-10T10:00:00+01:00',
        customer: { first_name: 'Sam', last_name: 'Buyer' },
        shipping_address: { first_name: 'Alex', last_name: 'Recipient', address1: 'Lindenlaan 3', city: 'Utrecht' },
        line_items: [{ id: 1, sku: 'ROSE-12', title: 'Twelve red roses', quantity: 1 }],
      });
    expect((await deliver(undated(1))).status).toBe(200);
    expect((await deliver(undated(2))).status).toBe(200);
    expect((await deliver(undated(3), 'AAAA')).status).toBe(401);
    expect((await deliver(undated(4), undefined, 'nobody.myshopify.com')).status).toBe(404);
    expect((await deliver('x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    const wooUrl = `${running.orders.url}/intake/woocommerce/webhooks/${woo.data!.connection.connectionId}`;
    const wooPath = '/intake/woocommerce/webhooks/{connectionId}';
    const ping = await plain('orders', 'POST', wooPath, wooUrl, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'webhook_id=3' });
    expect(ping.status).toBe(200);
    expect((await plain('orders', 'POST', wooPath, wooUrl, { headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);

    const held = await eventually(async () => {
      const items = (await asStaff.GET('/intake/attention')).data?.items ?? [];
      expect(items).toHaveLength(2);
      return items;
    });
    const window = { ...valentines, timeZone: 'Europe/Amsterdam' };
    const placed = await asStaff.POST('/intake/attention/{intakeId}/place', {
      params: { path: { intakeId: held[0].intakeId } },
      body: { deliveryWindow: window },
    });
    expect(placed.response.status).toBe(201);
    expect(
      (await asStaff.POST('/intake/attention/{intakeId}/place', { params: { path: { intakeId: held[0].intakeId } }, body: { deliveryWindow: window } }))
        .response.status,
    ).toBe(409);
    expect((await asStaff.POST('/intake/attention/{intakeId}/place', { params: { path: { intakeId: held[1].intakeId } }, body: {} })).response.status).toBe(
      400,
    );
    expect(
      (await asStaff.POST('/intake/attention/{intakeId}/dismiss', { params: { path: { intakeId: held[1].intakeId } }, body: { reason: 'A test order' } }))
        .response.status,
    ).toBe(200);
    expect(
      (await asStaff.POST('/intake/attention/{intakeId}/dismiss', { params: { path: { intakeId: randomUUID() } }, body: { reason: 'x' } })).response.status,
    ).toBe(404);

    // Status write-back's lists and retry (a dead one is made and retried in the write-back's own spec).
    expect((await asStaff.GET('/intake/writebacks', { params: { query: { state: 'dead' } } })).data?.writebacks).toEqual([]);
    expect((await asStaff.GET('/intake/writebacks', { params: { query: { state: 'pending' } } })).response.status).toBe(200);
    expect((await asStaff.GET('/intake/writebacks', { params: { query: { state: 'done' as never } } })).response.status).toBe(400);
    expect((await asStaff.POST('/intake/writebacks/{writebackId}/retry', { params: { path: { writebackId: randomUUID() } }, body: {} })).response.status).toBe(
      404,
    );
  });

  it('orders: Chinese platform connections and their push URLs', async () => {
    const shop = uniqueName('shop');
    const asStaff = orders(as({ role: 'staff', shopId: shop }));
    const meituanBody = {
      platform: 'meituan' as const,
      label: '美团闪购',
      timeZone: 'Asia/Shanghai',
      appKey: 'openapi-app',
      appSecret: 'openapi-app-secret-0123',
      storeRef: 'poi-1',
      rules: { cardMarkers: ['贺卡'] },
    };
    const meituan = await asStaff.POST('/intake/connections', { body: meituanBody });
    expect(meituan.response.status).toBe(201);
    expect(meituan.data?.connection.callbackUrls.length).toBeGreaterThan(0);
    expect((await asStaff.POST('/intake/connections', { body: meituanBody })).response.status).toBe(409);
    const wechatBody = {
      platform: 'wechat',
      label: '微信小店',
      timeZone: 'Asia/Shanghai',
      appKey: 'wx0123456789',
      appSecret: 'wechat-app-secret-0123',
    } as const;
    expect((await asStaff.POST('/intake/connections', { body: wechatBody })).response.status).toBe(400);
    const wechat = await asStaff.POST('/intake/connections', { body: { ...wechatBody, pushToken: 'PushToken0123' } });
    expect(wechat.response.status).toBe(201);
    const path = { connectionId: meituan.data!.connection.connectionId };
    const wechatPath = { connectionId: wechat.data!.connection.connectionId };
    expect(
      (await asStaff.PATCH('/intake/connections/{connectionId}', { params: { path }, body: { rules: { asapMinutes: 90 }, accessToken: 'a-new-access-token' } }))
        .response.status,
    ).toBe(200);
    expect(
      (await asStaff.PATCH('/intake/connections/{connectionId}', { params: { path }, body: { appSecret: 'the-next-app-secret-0123' } })).response.status,
    ).toBe(200);
    expect(
      (await asStaff.PATCH('/intake/connections/{connectionId}', { params: { path }, body: { adminAccessToken: 'shpat_0123456789' } })).response.status,
    ).toBe(400);
    expect((await asStaff.POST('/intake/connections/{connectionId}/secret/rotate', { params: { path } })).response.status).toBe(409);
    expect((await asStaff.POST('/intake/connections/{connectionId}/secret/rotate', { params: { path: wechatPath } })).response.status).toBe(200);
    expect((await asStaff.POST('/intake/connections/{connectionId}/test', { params: { path } })).response.status).toBe(200);

    // Pushes as a platform sends them, unsigned here: refused in the platform's shape.
    const meituanUrl = `${running.orders.url}/intake/pushes/meituan/${path.connectionId}`;
    const wechatUrl = `${running.orders.url}/intake/pushes/wechat/${wechatPath.connectionId}`;
    const form = { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'order_id=1&app_id=openapi-app&timestamp=1&sig=0' };
    await plain('orders', 'POST', '/intake/pushes/{platform}/{connectionId}/{pushType}', `${meituanUrl}/paid`, form);
    await plain('orders', 'GET', '/intake/pushes/{platform}/{connectionId}/{pushType}', `${meituanUrl}/paid`);
    await plain('orders', 'POST', '/intake/pushes/{platform}/{connectionId}', wechatUrl, {
      headers: { 'content-type': 'text/xml' },
      body: '<xml><Event><![CDATA[channels_ec_order_new]]></Event></xml>',
    });
    await plain('orders', 'GET', '/intake/pushes/{platform}/{connectionId}', `${wechatUrl}?signature=0&timestamp=1&nonce=2&echostr=3`);
    const nowhere = await plain(
      'orders',
      'POST',
      '/intake/pushes/{platform}/{connectionId}',
      `${running.orders.url}/intake/pushes/taobao/${path.connectionId}`,
      {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(nowhere.status).toBe(404);
  });

  it('orders: the intake API and CSV imports', async () => {
    const shop = uniqueName('shop');
    const asStaff = orders(as({ role: 'staff', shopId: shop }));
    // What a shop's API key is exchanged for: staff of the shop, with scopes.
    const asTill = orders(as({ role: 'staff', shopId: shop, scopes: ['orders:write'] }));
    const order = { source: 'pos-front-desk', externalRef: uniqueName('T'), ...roses() };
    expect((await asTill.POST('/intake/orders', { body: order })).response.status).toBe(201);
    expect((await asTill.POST('/intake/orders', { body: order })).response.status).toBe(200);
    expect((await asTill.POST('/intake/orders', { body: { ...order, colour: 'red' } as never })).response.status).toBe(400);
    const path = { source: 'pos-front-desk', externalRef: order.externalRef };
    expect((await asTill.GET('/intake/orders/{source}/{externalRef}', { params: { path } })).response.status).toBe(200);
    const elsewhere = orders(as({ role: 'staff', shopId: uniqueName('shop') }));
    expect((await elsewhere.GET('/intake/orders/{source}/{externalRef}', { params: { path } })).response.status).toBe(404);

    // The upload is the file itself (text/csv), which the typed client does not send.
    const upload = (csv: string) =>
      plain('orders', 'POST', '/intake/imports', `${running.orders.url}/intake/imports?timeZone=Europe/Amsterdam`, {
        headers: { authorization: `Bearer ${as({ role: 'staff', shopId: shop })}`, 'content-type': 'text/csv' },
        body: csv,
      });
    const uploaded = await upload(
      `Order No,Recipient,Address,Delivery Date,Delivery Time,Items,Customer\nC-1,Kim,Kade 1,${nextYear}-02-14,13:00-15:00,Roses,Sam\n`,
    );
    expect(uploaded.status).toBe(201);
    expect((await upload('')).status).toBe(400);
    const { importId, suggestedMapping } = JSON.parse(uploaded.body) as { importId: string; suggestedMapping: Record<string, string> };
    const importPath = { importId };
    expect(
      (await asStaff.POST('/intake/imports/{importId}/preview', { params: { path: importPath }, body: { mapping: suggestedMapping } })).response.status,
    ).toBe(200);
    expect((await asStaff.POST('/intake/imports/{importId}/start', { params: { path: importPath }, body: { mapping: {} } })).response.status).toBe(400);
    expect(
      (await asStaff.POST('/intake/imports/{importId}/start', { params: { path: importPath }, body: { mapping: suggestedMapping } })).response.status,
    ).toBe(202);
    expect(
      (await asStaff.POST('/intake/imports/{importId}/start', { params: { path: importPath }, body: { mapping: suggestedMapping } })).response.status,
    ).toBe(409);
    await eventually(async () => expect((await asStaff.GET('/intake/imports/{importId}', { params: { path: importPath } })).data?.status).toBe('finished'));
    expect((await asStaff.GET('/intake/imports/{importId}/report', { params: { path: importPath, query: { limit: 10 } } })).data).toMatchObject({
      rows: [{ line: 2 }],
    });
    const csv = await plain('orders', 'GET', '/intake/imports/{importId}/report', `${running.orders.url}/intake/imports/${importId}/report?format=csv`, {
      headers: { authorization: `Bearer ${as({ role: 'staff', shopId: shop })}` },
    });
    expect(csv.status).toBe(200);
    expect((await elsewhere.GET('/intake/imports/{importId}', { params: { path: importPath } })).response.status).toBe(404);
  });

  it('dispatch: riders, settings, the board, assignment, plans, positions, demand and lateness', async () => {
    const shop = uniqueName('shop');
    const partner = uniqueName('shop');
    const staff = as({ role: 'staff', shopId: shop });
    const desk = dispatch(as({ role: 'dispatcher', shopId: shop }));
    const rita = uniqueName('rita');
    const riderDesk = dispatch(as({ role: 'rider', shopId: shop, sub: rita }));

    const registered = await desk.POST('/riders', { body: { riderId: rita, name: 'Rita', vehicle: { kind: 'bicycle', capacity: 6 }, shopIds: [partner] } });
    expect(registered.response.status).toBe(201);
    expect((await desk.POST('/riders', { body: { riderId: rita, name: 'Rita', vehicle: { kind: 'bicycle', capacity: 6 } } })).response.status).toBe(409);
    expect((await desk.GET('/riders/{riderId}', { params: { path: { riderId: rita } } })).response.status).toBe(200);
    expect((await desk.GET('/riders/{riderId}', { params: { path: { riderId: 'nobody' } } })).response.status).toBe(404);
    expect((await desk.PATCH('/riders/{riderId}', { params: { path: { riderId: rita } }, body: { phone: '+31 6 1111 2222' } })).response.status).toBe(200);
    const partnerDesk = dispatch(as({ role: 'dispatcher', shopId: partner }));
    expect((await partnerDesk.POST('/riders/{riderId}/approve', { params: { path: { riderId: rita } }, body: {} })).response.status).toBe(200);
    expect((await riderDesk.PUT('/riders/me/availability', { body: { availability: 'on_shift' } })).response.status).toBe(200);
    expect(
      (await partnerDesk.PUT('/riders/{riderId}/availability', { params: { path: { riderId: rita } }, body: { availability: 'on_shift' } })).response.status,
    ).toBe(200);
    await eventually(async () => expect((await desk.GET('/riders', { params: { query: { availability: 'on_shift' } } })).data?.items).toHaveLength(1));

    expect((await desk.PUT('/dispatch-settings', { body: { autoApply: false, depot: shopAt, timeZone: 'Europe/Amsterdam' } })).response.status).toBe(200);
    expect((await desk.PUT('/dispatch-settings', { body: { autoApply: false, timeZone: 'Mars/Olympus' } })).response.status).toBe(400);
    expect((await desk.GET('/dispatch-settings')).response.status).toBe(200);
    expect((await dispatch(as({ role: 'florist', shopId: shop })).GET('/dispatch-settings')).response.status).toBe(403);

    // An order made in the orders service shows on the board; assigning it goes back through orders.
    const order = await anOrder(staff, ['accept']);
    const path = { orderId: order.orderId };
    const onTheBoard = async () => (await desk.GET('/deliveries')).data?.items.find((d) => d.orderId === order.orderId);
    await eventually(async () => expect(await onTheBoard()).toMatchObject({ status: 'awaiting_assignment' }), 20_000);
    expect((await dispatch().GET('/deliveries')).response.status).toBe(401);
    expect((await desk.PUT('/deliveries/{orderId}/rider', { params: { path }, body: { riderId: rita } })).response.status).toBe(202);
    await eventually(async () => expect(await onTheBoard()).toMatchObject({ riderId: rita }), 20_000);
    expect((await desk.DELETE('/deliveries/{orderId}/rider', { params: { path, query: { reason: 'Scooter broke down' } }, body: {} })).response.status).toBe(
      202,
    );
    expect((await desk.PUT('/deliveries/{orderId}/rider', { params: { path: { orderId: randomUUID() } }, body: { riderId: rita } })).response.status).toBe(404);

    expect((await desk.POST('/plans', { body: {} })).response.status).toBe(201);
    // Dispatch also proposes plans on its own after a change, and only the latest one applies.
    await eventually(async () => {
      const latest = await desk.GET('/plans/latest');
      expect((await desk.POST('/plans/{planId}/apply', { params: { path: { planId: latest.data!.planId } }, body: {} })).response.status).toBe(200);
    });
    expect((await desk.POST('/plans/{planId}/apply', { params: { path: { planId: randomUUID() } }, body: {} })).response.status).toBe(409);

    const position = { ...shopAt, accuracy: 5, recordedAt: new Date().toISOString() };
    expect((await riderDesk.POST('/riders/me/positions', { body: { positions: [{ id: randomUUID(), ...position }] } })).response.status).toBe(202);
    expect((await riderDesk.GET('/riders/me/run')).response.status).toBe(200);
    expect((await desk.GET('/riders/me/run')).response.status).toBe(403);
    await eventually(async () => expect((await desk.GET('/riders/{riderId}/position', { params: { path: { riderId: rita } } })).response.status).toBe(200));
    expect((await desk.GET('/riders/{riderId}/trail', { params: { path: { riderId: rita } } })).response.status).toBe(200);

    expect((await desk.GET('/demand', { params: { query: { timeZone: 'Europe/Amsterdam' } } })).response.status).toBe(200);
    expect((await desk.GET('/demand', { params: { query: { format: 'csv' } }, parseAs: 'text' })).response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await desk.GET('/demand/forecast', { params: { query: { date: `${nextYear}-02-14`, timeZone: 'Europe/Amsterdam' } } })).response.status).toBe(200);
    expect((await desk.GET('/analytics/lateness', { params: { query: { timeZone: 'Europe/Amsterdam' } } })).response.status).toBe(200);
    expect((await desk.GET('/analytics/lateness', { params: { query: { from: 'yesterday' } } })).response.status).toBe(400);
    expect((await dispatch().GET('/health/live')).response.status).toBe(200);
    expect((await dispatch().GET('/health/ready')).response.status).toBe(200);
  });

  it('messaging: conversations, quick replies, shop channels, photos and exception reports', async () => {
    const shop = uniqueName('shop');
    const staffToken = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const staff = messaging(staffToken);
    const order = await anOrder(staffToken, ['accept']);
    const orderId = order.orderId;
    await eventually(async () => expect((await staff.GET('/conversations/{orderId}', { params: { path: { orderId } } })).response.status).toBe(200), 20_000);
    expect((await staff.GET('/conversations/{orderId}', { params: { path: { orderId: randomUUID() } } })).response.status).toBe(404);

    const channel = { orderId, channel: 'internal' as const };
    const posted = await staff.POST('/conversations/{orderId}/channels/{channel}/messages', {
      params: { path: channel, header: { 'Idempotency-Key': `hello-${shop}` } },
      body: { text: 'Ring twice' },
    });
    expect(posted.response.status).toBe(201);
    const messageId = posted.data!.messageId;
    const message = { ...channel, messageId };
    expect(
      (await staff.POST('/conversations/{orderId}/channels/{channel}/messages', { params: { path: channel }, body: { text: 'x'.repeat(5000) } })).response
        .status,
    ).toBe(400);
    expect(
      (await staff.PATCH('/conversations/{orderId}/channels/{channel}/messages/{messageId}', { params: { path: message }, body: { text: 'Ring three times' } }))
        .response.status,
    ).toBe(200);
    const florist = messaging(as({ role: 'florist', shopId: shop }));
    await eventually(async () =>
      expect((await florist.GET('/conversations/{orderId}/channels/{channel}/messages', { params: { path: channel } })).data?.items).toHaveLength(1),
    );
    expect(
      (await florist.POST('/conversations/{orderId}/channels/{channel}/read', { params: { path: channel }, body: { upToMessageId: messageId } })).response
        .status,
    ).toBe(200);
    expect(
      (await staff.POST('/conversations/{orderId}/channels/{channel}/messages/{messageId}/recall', { params: { path: message }, body: {} })).response.status,
    ).toBe(200);
    await eventually(async () => expect((await staff.GET('/conversations')).data?.items.map((c) => c.orderId)).toContain(orderId));

    const replies = { replies: [{ id: 'on-my-way', text: 'On my way' }] };
    expect((await staff.PUT('/shops/{shopId}/quick-replies', { params: { path: { shopId: shop } }, body: replies })).response.status).toBe(200);
    expect((await staff.GET('/shops/{shopId}/quick-replies', { params: { path: { shopId: shop } } })).response.status).toBe(200);
    expect(
      (await messaging(as({ role: 'rider', shopId: shop })).PUT('/shops/{shopId}/quick-replies', { params: { path: { shopId: shop } }, body: replies }))
        .response.status,
    ).toBe(403);
    const opened = await staff.POST('/shops/{shopId}/channels', { params: { path: { shopId: shop } }, body: { name: "Today's deliveries" } });
    expect(opened.response.status).toBe(201);
    const shopChannel = { shopId: shop, channelId: opened.data!.channelId };
    expect(
      (await staff.POST('/shops/{shopId}/channels/{channelId}/messages', { params: { path: shopChannel }, body: { text: 'Van 2 leaves at 11' } })).response
        .status,
    ).toBe(201);
    expect((await staff.GET('/shops/{shopId}/channels/{channelId}/messages', { params: { path: shopChannel } })).response.status).toBe(200);
    await eventually(async () =>
      expect(
        (await messaging(as({ role: 'rider', shopId: shop })).GET('/shops/{shopId}/channels', { params: { path: { shopId: shop } } })).data?.items,
      ).toHaveLength(1),
    );

    // A photo: uploaded as a Blob, listed, served and its thumbnail.
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const uploaded = await staff.POST('/orders/{orderId}/attachments', {
      params: { path: { orderId } },
      body: { purpose: 'message', file: new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }) },
      bodySerializer: (fields) => {
        const form = new FormData();
        form.append('purpose', fields.purpose);
        form.append('file', fields.file, 'roses.jpg');
        return form;
      },
    });
    expect(uploaded.response.status).toBe(201);
    const id = uploaded.data!.attachmentId;
    expect((await staff.GET('/orders/{orderId}/attachments', { params: { path: { orderId } } })).response.status).toBe(200);
    expect((await staff.GET('/attachments/{id}', { params: { path: { id } }, parseAs: 'arrayBuffer' })).response.status).toBe(200);
    expect((await staff.GET('/attachments/{id}/thumbnail', { params: { path: { id } }, parseAs: 'arrayBuffer' })).response.status).toBe(200);

    // An exception report: reported, acknowledged, resolved, listed, counted.
    const reported = await staff.POST('/orders/{orderId}/exceptions', {
      params: { path: { orderId } },
      body: { details: { type: 'vehicle_broken', note: 'Flat tyre' }, position: { ...shopAt, accuracy: 12 } },
    });
    expect(reported.response.status).toBe(201);
    const exceptionId = reported.data!.exceptionId;
    const report = { path: { exceptionId } };
    expect((await staff.POST('/exceptions/{exceptionId}/resolve', { params: report, body: { outcome: 'redelivered' } })).response.status).toBe(409);
    expect((await staff.POST('/exceptions/{exceptionId}/acknowledge', { params: report, body: {} })).response.status).toBe(200);
    expect((await staff.POST('/exceptions/{exceptionId}/resolve', { params: report, body: { outcome: 'redelivered' } })).response.status).toBe(200);
    expect((await staff.GET('/exceptions/{exceptionId}', { params: report })).response.status).toBe(200);
    await eventually(async () => expect((await staff.GET('/exceptions')).data?.items).toHaveLength(1));
    const period = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    expect((await staff.GET('/exceptions/analytics', { params: { query: period } })).response.status).toBe(200);
    expect((await staff.GET('/exceptions/analytics', { params: { query: { ...period, format: 'csv' } }, parseAs: 'text' })).response.status).toBe(200);
    expect((await messaging().GET('/health/live')).response.status).toBe(200);
    expect((await messaging().GET('/health/ready')).response.status).toBe(200);
  });

  it('notifications: preferences, acks, escalations, tracking links, webhooks and the live stream', async () => {
    const shop = uniqueName('shop');
    const staffToken = as({ role: 'staff', shopId: shop, sub: 'alice' });
    const staff = notifications(staffToken);
    const operator = notifications(as({ role: 'operator', sub: 'olga' }));

    expect((await staff.GET('/me/preferences')).response.status).toBe(200);
    expect((await staff.POST('/stream-tickets', { body: {} })).response.status).toBe(201);
    expect((await staff.PUT('/me/preferences', { body: { silentEventTypes: ['ProductionStarted'] } })).response.status).toBe(200);
    expect((await notifications().GET('/me/preferences')).response.status).toBe(401);

    // A webhook on an endpoint that fails: one attempt, then a dead letter.
    const created = await staff.POST('/shops/{shopId}/webhooks', {
      params: { path: { shopId: shop } },
      body: { url: `${receiverUrl}/fails`, eventTypes: ['OrderPlaced'] },
    });
    expect(created.response.status).toBe(201);
    const hook = { shopId: shop, subscriptionId: created.data!.id };

    const order = await anOrder(staffToken);
    const orderId = order.orderId;
    await eventually(
      async () => expect((await staff.POST('/notifications/ack', { body: { audience: `shop:${shop}`, seq: 1 } })).response.status).toBe(200),
      20_000,
    );
    expect((await staff.GET('/notifications/escalations')).response.status).toBe(200);
    expect((await notifications(as({ role: 'florist', shopId: shop })).GET('/notifications/escalations')).response.status).toBe(403);

    const link = await eventually(async () => {
      const minted = await staff.POST('/orders/{orderId}/tracking-link', { params: { path: { orderId } }, body: {} });
      expect(minted.response.status).toBe(201);
      return minted.data!.url;
    }, 20_000);
    const track = (suffix: string, init?: RequestInit) => plain('notifications', init?.method ?? 'GET', '/track/{path}', `${link}${suffix}`, init);
    expect((await track('')).status).toBe(200);
    expect((await track('/state')).status).toBe(200);
    const wrote = await track('/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Ring twice, please' }),
    });
    expect(wrote.status).toBe(201);
    expect((await plain('notifications', 'GET', '/track/{path}', `${running.notifications.url}/track/not-a-token/state`)).status).toBe(404);
    const links = await staff.GET('/orders/{orderId}/tracking-links', { params: { path: { orderId } } });
    expect(links.data?.items).toHaveLength(1);
    const linkId = links.data!.items[0].linkId;
    expect((await staff.DELETE('/orders/{orderId}/tracking-links/{linkId}', { params: { path: { orderId, linkId } } })).response.status).toBe(204);
    expect((await track('/state')).status).toBe(404);
    expect((await staff.DELETE('/orders/{orderId}/tracking-links', { params: { path: { orderId } } })).data).toEqual({ revoked: 0 });
    await eventually(async () =>
      expect((await staff.GET('/shops/{shopId}/customer-messages', { params: { path: { shopId: shop } } })).data?.items).toHaveLength(1),
    );

    await eventually(
      async () => expect((await operator.GET('/webhooks/dead-letters', { params: { query: { shopId: shop } } })).data?.items).toHaveLength(1),
      20_000,
    );
    const dead = (await operator.GET('/webhooks/dead-letters', { params: { query: { shopId: shop } } })).data!.items[0];
    expect((await operator.POST('/webhooks/dead-letters/{deliveryId}/retry', { params: { path: { deliveryId: dead.id } }, body: {} })).response.status).toBe(
      202,
    );
    expect((await staff.GET('/shops/{shopId}/webhooks', { params: { path: { shopId: shop } } })).response.status).toBe(200);
    expect((await staff.GET('/shops/{shopId}/webhooks/{subscriptionId}', { params: { path: hook } })).response.status).toBe(200);
    expect((await staff.GET('/shops/{shopId}/webhooks/{subscriptionId}/deliveries', { params: { path: hook } })).response.status).toBe(200);
    expect(
      (await staff.PATCH('/shops/{shopId}/webhooks/{subscriptionId}', { params: { path: hook }, body: { url: `${receiverUrl}/works` } })).response.status,
    ).toBe(200);
    expect((await staff.POST('/shops/{shopId}/webhooks/{subscriptionId}/rotate-secret', { params: { path: hook }, body: {} })).response.status).toBe(200);
    const replayed = await staff.POST('/shops/{shopId}/webhooks/{subscriptionId}/replay', { params: { path: hook }, body: { from: minutesFromNow(-60) } });
    expect(replayed.response.status).toBe(202);
    expect(
      (await staff.POST('/shops/{shopId}/webhooks', { params: { path: { shopId: shop } }, body: { url: 'not a url', eventTypes: [] } })).response.status,
    ).toBe(400);
    expect((await staff.DELETE('/shops/{shopId}/webhooks/{subscriptionId}', { params: { path: hook }, body: {} })).response.status).toBe(204);
    expect((await staff.GET('/shops/{shopId}/webhooks/{subscriptionId}', { params: { path: hook } })).response.status).toBe(404);

    // The live stream answers with its first event; without a token, 401.
    const stream = await plain('notifications', 'GET', '/sse', `${running.notifications.url}/sse`, { headers: { authorization: `Bearer ${staffToken}` } });
    expect(stream).toMatchObject({ status: 200, body: expect.stringContaining('welcome') });
    expect((await plain('notifications', 'GET', '/sse', `${running.notifications.url}/sse`)).status).toBe(401);
    expect((await notifications().GET('/health/live')).response.status).toBe(200);
    expect((await notifications().GET('/health/ready')).response.status).toBe(200);
  });

  it('accounts: a shop and its team, invitations, sessions, signing keys and API keys', async () => {
    const password = 'tulips under a quiet rain';
    const operator = accounts(tokens.sign({ role: 'operator', sub: 'operator-on-duty' }));
    const email = `${uniqueName('anna')}@bloom.example`;
    const created = await operator.POST('/shops', {
      body: { name: 'Rosewood', timeZone: 'Europe/Amsterdam', owner: { email, displayName: 'Anna', password } },
    });
    expect(created.response.status).toBe(201);
    const shopId = created.data!.shopId;
    const owner = created.data!.owner.personId;
    const shop = { path: { shopId } };
    expect(
      (await operator.POST('/shops', { body: { name: 'Elsewhere', timeZone: 'Europe/Amsterdam', owner: { email, displayName: 'Anna', password } } })).response
        .status,
    ).toBe(409);
    expect(
      (
        await operator.POST('/shops', {
          body: { name: 'Elsewhere', timeZone: 'Europe/Amsterdam', owner: { email: 'b@bloom.example', displayName: 'B', password: 'short' } },
        })
      ).response.status,
    ).toBe(400);

    // Sign-in reads the team from a read model that trails the log by milliseconds.
    await eventually(async () => expect((await operator.GET('/shops/{shopId}/members', { params: shop })).data?.items.map((m) => m.personId)).toEqual([owner]));
    expect((await accounts().POST('/sessions', { body: { email, password: 'not the password at all' } })).response.status).toBe(401);
    const signedIn = await accounts().POST('/sessions', { body: { email, password } });
    expect(signedIn.response.status).toBe(201);
    // The accounts service takes the token's subject as the person: the owner's own token, as they sign in.
    const anna = accounts(signedIn.data!.accessToken);
    expect((await anna.GET('/me')).data?.personId).toBe(owner);
    expect((await accounts().GET('/me')).response.status).toBe(401);
    expect((await anna.GET('/shops/{shopId}/members', { params: { path: { shopId: uniqueName('shop') } } })).response.status).toBe(404);

    // An invitation as a link, accepted by someone new; another revoked.
    const invited = await anna.POST('/shops/{shopId}/invitations', { params: shop, body: { roles: ['florist'] } });
    expect(invited.response.status).toBe(201);
    const accepted = await accounts().POST('/invitations/{secret}/accept', {
      params: { path: { secret: invited.data!.secret! } },
      body: { email: `${uniqueName('flo')}@bloom.example`, displayName: 'Flo', password: 'a vase of seven yellow tulips' },
    });
    expect(accepted.response.status).toBe(201);
    const flo = { path: { shopId, personId: accepted.data!.personId } };
    const another = await anna.POST('/shops/{shopId}/invitations', { params: shop, body: { roles: ['rider'] } });
    await eventually(async () => expect((await anna.GET('/shops/{shopId}/invitations', { params: shop })).data?.items).toHaveLength(1));
    await eventually(async () => expect((await anna.GET('/shops/{shopId}/members', { params: shop })).data?.items).toHaveLength(2));
    const revoke = { path: { shopId, invitationId: another.data!.invitationId } };
    expect((await anna.POST('/shops/{shopId}/invitations/{invitationId}/revoke', { params: revoke, body: {} })).response.status).toBe(200);
    expect((await anna.PATCH('/shops/{shopId}/members/{personId}', { params: flo, body: { roles: ['florist', 'rider'] } })).response.status).toBe(200);
    expect((await anna.DELETE('/shops/{shopId}/members/{personId}', { params: flo, body: {} })).response.status).toBe(200);
    expect((await anna.GET('/shops/{shopId}/audit', { params: shop })).response.status).toBe(200);
    expect((await anna.PATCH('/shops/{shopId}', { params: shop, body: { currency: 'CNY' } })).data?.currency).toBe('CNY');
    expect((await anna.PATCH('/shops/{shopId}', { params: shop, body: { currency: 'XYZ' } })).response.status).toBe(400);
    expect((await operator.GET('/shops', { params: { query: { q: 'Rosewood' } } })).data?.items.map((s) => s.shopId)).toContain(shopId);
    expect((await anna.GET('/shops', { params: { query: {} } })).response.status).toBe(403);

    // The failed sign-in above, and its lockout lifted.
    expect((await anna.GET('/shops/{shopId}/sign-in-failures', { params: shop })).data?.items).toHaveLength(1);
    expect((await anna.POST('/shops/{shopId}/sign-in-failures/unlock', { params: shop, body: { personId: owner } })).response.status).toBe(200);

    // An API key: created, listed, rotated, exchanged for a token, revoked.
    const key = await anna.POST('/shops/{shopId}/api-keys', { params: shop, body: { label: 'Web shop', scopes: ['orders:write'] } });
    expect(key.response.status).toBe(201);
    const keyPath = { path: { shopId, keyId: key.data!.apiKey.keyId } };
    expect((await anna.GET('/shops/{shopId}/api-keys', { params: shop })).data?.items).toHaveLength(1);
    const rotated = await anna.POST('/shops/{shopId}/api-keys/{keyId}/rotate', { params: keyPath, body: {} });
    expect(rotated.response.status).toBe(200);
    expect((await accounts(rotated.data!.secret).POST('/api-keys/token', { body: {} })).response.status).toBe(200);
    expect((await accounts('pp_live_not-a-key').POST('/api-keys/token', { body: {} })).response.status).toBe(401);
    expect((await anna.DELETE('/shops/{shopId}/api-keys/{keyId}', { params: keyPath, body: {} })).response.status).toBe(204);

    // Sessions: refreshed, listed, one signed out, then all.
    const refreshed = await accounts().POST('/sessions/refresh', { body: { refreshToken: signedIn.data!.refreshToken } });
    expect(refreshed.response.status).toBe(200);
    const second = await accounts().POST('/sessions', { body: { email, password } });
    expect((await anna.GET('/sessions')).data?.items).toHaveLength(2);
    const end = { path: { sessionId: second.data!.session.sessionId } };
    expect((await anna.DELETE('/sessions/{sessionId}', { params: end, body: {} })).response.status).toBe(204);
    expect((await anna.DELETE('/sessions/{sessionId}', { params: end, body: {} })).response.status).toBe(404);
    expect((await anna.POST('/sessions/sign-out-everywhere', { body: {} })).data).toEqual({ ended: 1 });

    // Passkeys and a shop's own identity provider: the ceremonies' options and the lists here, their successes in
    // apps/accounts (a software authenticator, a real OpenID provider); what a bare client gets back is checked here.
    const notAnAuthenticator = { id: 'bm8', rawId: 'bm8', type: 'public-key' as const, clientExtensionResults: {} };
    const fresh = accounts((await accounts().POST('/sessions', { body: { email, password } })).data!.accessToken);
    expect((await fresh.POST('/passkeys/registration/options', { body: {} })).response.status).toBe(200);
    const registration = { response: { ...notAnAuthenticator, response: { clientDataJSON: 'e30', attestationObject: 'oA' } } };
    expect((await fresh.POST('/passkeys/registration', { body: registration })).response.status).toBe(400);
    expect((await fresh.GET('/passkeys')).data?.items).toEqual([]);
    expect((await fresh.DELETE('/passkeys/{credentialId}', { params: { path: { credentialId: 'bm8' } } })).response.status).toBe(404);
    expect((await accounts().POST('/sessions/passkey/options', { body: {} })).response.status).toBe(200);
    const assertion = { response: { ...notAnAuthenticator, response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' } } };
    expect((await accounts().POST('/sessions/passkey', { body: assertion })).response.status).toBeGreaterThanOrEqual(400);
    const unreachable = { issuer: 'http://127.0.0.1:9/', clientId: 'petalpost', clientSecret: 'a secret shared with the chain provider' };
    expect((await fresh.PUT('/shops/{shopId}/identity-provider', { params: shop, body: unreachable })).response.status).toBe(400);
    expect((await fresh.GET('/shops/{shopId}/identity-provider', { params: shop })).response.status).toBe(404);
    expect((await fresh.DELETE('/shops/{shopId}/identity-provider', { params: shop })).response.status).toBe(404);
    expect((await accounts().GET('/sessions/oidc/{shopId}/start', { params: shop })).response.status).toBe(404);
    expect((await accounts().GET('/sessions/oidc/callback', { params: { query: {} } })).response.status).toBe(400);

    // The keys tokens are verified with, and an operator's rotation ahead of schedule.
    expect((await accounts().GET('/.well-known/jwks.json')).data?.keys.length).toBeGreaterThan(0);
    expect((await operator.GET('/signing-keys')).response.status).toBe(200);
    expect((await anna.GET('/signing-keys')).response.status).toBe(403);
    expect((await operator.POST('/signing-keys/rotate', { body: { immediately: false } })).response.status).toBe(200);
    expect((await accounts().GET('/health/live')).response.status).toBe(200);
    expect((await accounts().GET('/health/ready')).response.status).toBe(200);
  });

  it('operators: the projections and Kafka dead letters of every service', async () => {
    const olga = as({ role: 'operator', sub: 'olga' });
    const unknown = { params: { path: { name: 'no-such-projection' } }, body: {} };
    for (const client of [dispatch(olga), messaging(olga), accounts(olga)] as Array<ReturnType<typeof orders>>) {
      expect((await client.GET('/admin/projections')).response.status).toBe(200);
      expect((await client.POST('/admin/projections/{name}/rebuild', unknown)).response.status).toBe(404);
    }
    for (const client of [orders(olga), dispatch(olga), messaging(olga), notifications(olga)] as Array<ReturnType<typeof orders>>) {
      const listed = await client.GET('/admin/dead-letters', { params: { query: { limit: 5 } } });
      expect(listed.response.status).toBe(200);
      const [{ topic }] = listed.data!.items;
      // Nothing was parked at that offset: the replay is refused and publishes nothing.
      const replay = await client.POST('/admin/dead-letters/{topic}/{partition}/{offset}/replay', {
        params: { path: { topic, partition: '0', offset: '999999' } },
        body: {},
      });
      expect(replay.response.status).toBe(404);
    }
  });

  // Runs last: a route added without a flow here fails, so no operation escapes the check.
  it('has checked an answer of every operation of the five documents', () => {
    const unchecked = SERVICES.flatMap((name) =>
      checkers[name]
        .operations()
        .filter((operation) => !checkers[name].checked.has(operation))
        .map((operation) => `${name}: ${operation}`),
    );
    expect(unchecked).toEqual([]);
  });
});

async function firstChunk(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  await reader.cancel();
  return new TextDecoder().decode(value);
}
