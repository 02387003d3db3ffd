import type { Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import type { RunningService } from '@petalpost/platform';
import { eventually, type ServiceProcess, testInfra, uniqueName } from '@petalpost/testing';
import { startWechatStandIn, wechatOrder, type WechatEventInput, type WechatStandIn } from '@petalpost/testing/shop-platforms';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../../orders.config';
import { callJson, readPast, signToken, StaffSocket, type PlatformServices, startPlatformServices, registerRider } from '../../intake-e2e.fixture';

// End to end on the real orders, dispatch and notifications services, PostgreSQL and Kafka. WeChat
// is not reachable from here: the store's pushes and WeChat's API are a local stand-in that signs
// and encrypts as WeChat does and refuses any request WeChat would not take
// (libs/testing/src/shop-platforms/wechat.stand-in.ts); every test checks it refused none.

const nextYear = new Date().getUTCFullYear() + 1;
const NOTE = `送达时间：${nextYear}年2月14日 13:00-15:00；贺卡：生日快乐，永远爱你；匿名`;
const MAX_ATTEMPTS = 3;
const SHIP = '/channels/ec/order/delivery/send';

describe('WeChat Store orders end to end: pushed, decoded, placed, heard by staff, and shipped at pickup (real services, Postgres and Kafka; WeChat a stand-in)', () => {
  let wechat: WechatStandIn;
  let services: PlatformServices;
  let orders: RunningService<OrdersConfig>;
  let dispatch: ServiceProcess;
  let notifications: ServiceProcess;
  let admin: Admin;
  let namespace: string;
  let shop: string;
  let staff: string;
  let socket: StaffSocket;
  let connectionId: string;
  let nextOrder = BigInt(Date.now()) * 1000n + 3_700_000_000_000_000_000n;

  const asStaff = (method: string, path: string, body?: unknown) => callJson(`${orders.url}${path}`, method, staff, body);
  const pushUrl = (connection = connectionId) => `${orders.url}/intake/pushes/wechat/${connection}`;
  const db = () => orders.app.get(DataSource);
  const count = async (sql: string) => Number((await db().query<Array<{ n: string }>>(sql))[0].n);
  const deliveries = async () =>
    (await asStaff('GET', `/intake/connections/${connectionId}/deliveries?limit=100`)).body.deliveries as Array<Record<string, string>>;
  /** The store's order and its paid event, sent in safe mode as WeChat sends it. */
  const paidOrder = async (options: { virtualExpiresAt?: Date } = {}) => {
    const orderId = String(nextOrder++);
    wechat.putOrder(wechatOrder(orderId, NOTE, options));
    const before = (await deliveries()).length;
    const started = Date.now();
    const sent = await wechat.sendEvent(pushUrl(), { event: 'channels_ec_order_pay', orderId, info: { pay_time: Math.floor(Date.now() / 1000) } });
    // WeChat waits 5 s for `success`: the order is read after the answer, never before it.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sent).toMatchObject({ status: 200, text: 'success' });
    const delivery = await eventually(async () => {
      const all = await deliveries();
      expect(all.length).toBe(before + 1);
      expect(all[0]).toMatchObject({ state: 'processed', externalRef: orderId });
      return all[0];
    }, 30_000);
    expect(delivery).toMatchObject({ outcome: 'placed', orderId: expect.any(String) });
    return { orderId, placedId: delivery.orderId };
  };
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ status: string; state: string }>>(`SELECT status, state FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`, [orderId]);
  const step = async (orderId: string, path: string, token = staff, body: unknown = {}) =>
    expect((await callJson(`${orders.url}/orders/${orderId}/${path}`, 'POST', token, body)).status).toBe(200);
  const rider = (name: string, phone: string) => registerRider(services, shop, name, phone);
  const shipmentsOf = (orderId: string) => wechat.shipments().filter((s) => s.orderId === orderId);

  beforeAll(async () => {
    wechat = await startWechatStandIn();
    services = await startPlatformServices({
      ORDERS_INTAKE_WECHAT_API_ORIGIN: wechat.apiOrigin,
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      ORDERS_INTAKE_POSITION_INTERVAL_MS: '1000',
    });
    ({ namespace, orders, dispatch, notifications } = services);
    admin = new Kafka({ clientId: 'wechat-e2e', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    shop = uniqueName('shop');
    staff = signToken({ role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    socket = await StaffSocket.open(notifications.url, { role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    // The owner connects the store: its appid and AppSecret, and the message push's Token and EncodingAESKey.
    const created = await asStaff('POST', '/intake/connections', {
      platform: 'wechat',
      label: '微信小店',
      timeZone: 'Asia/Shanghai',
      appKey: wechat.appId,
      appSecret: wechat.appSecret,
      pushToken: wechat.pushToken,
      encodingAesKey: wechat.encodingAesKey,
    });
    expect(created.status).toBe(201);
    connectionId = (created.body.connection as { connectionId: string }).connectionId;
  }, 180_000);
  afterEach(() => {
    const refused = wechat
      .calls()
      .filter((c) => c.refused && !c.injectedFailure)
      .map((c) => `${c.path}: ${c.refused}`);
    expect(refused).toEqual([]);
  });
  afterAll(async () => {
    socket?.socket.close();
    await admin?.disconnect();
    await services?.stop();
    await wechat?.close();
  });

  it('connects the store and passes WeChat’s URL check with the echostr as it came; a check signed with another Token fails', async () => {
    const { body } = await asStaff('GET', '/intake/connections');
    const connection = (body.connections as Array<Record<string, unknown>>).find((c) => c.connectionId === connectionId);
    expect(connection).toMatchObject({
      platform: 'wechat',
      appKey: wechat.appId,
      callbackUrls: [{ url: expect.stringMatching(/\/intake\/pushes\/wechat\//) }],
    });
    for (const secret of [wechat.appSecret, wechat.encodingAesKey, wechat.pushToken]) expect(JSON.stringify(body)).not.toContain(secret);

    const check = await wechat.checkUrl(pushUrl());
    expect(check).toEqual({ status: 200, text: check.echostr, echostr: expect.any(String) });
    expect((await wechat.checkUrl(pushUrl(), { token: 'AnotherToken' })).status).toBe(401);

    // The console's test: a paid event encrypted and signed in the query string as WeChat does, through the real path.
    const tested = await asStaff('POST', `/intake/connections/${connectionId}/test`);
    expect(tested).toMatchObject({ status: 200, body: { delivery: { topic: 'petalpost/test', state: 'processed', outcome: 'tested' } } });
  });

  it('places a paid order from its encrypted event: the address decoded, the virtual number with its expiry, slot and card from the note; staff hear of it', async () => {
    const { orderId, placedId } = await paidOrder({ virtualExpiresAt: new Date(`${nextYear}-02-14T16:00:00Z`) });
    const order = (await asStaff('GET', `/orders/${placedId}`)).body;
    expect(order).toMatchObject({
      shopId: shop,
      status: 'placed',
      source: 'marketplace',
      reference: orderId,
      buyer: { name: '微信小店买家' },
      recipient: {
        name: '李四',
        phone: '17100001234,5678',
        phoneExpiresAt: `${nextYear}-02-14T16:00:00.000Z`,
        address: { text: '上海市黄浦区南京东路 100 号8 楼' },
      },
      items: [{ sku: 'ROSE-11', name: '红玫瑰花束（11枝）', quantity: 1 }],
      deliveryWindow: { from: `${nextYear}-02-14T13:00:00+08:00`, to: `${nextYear}-02-14T15:00:00+08:00`, timeZone: 'Asia/Shanghai' },
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      price: { amountMinor: 19950, currency: 'CNY' },
      paid: true,
    });
    expect(wechat.decodes(orderId)).toBe(1);
    const heard = await socket.heard('OrderPlaced', (data) => data.orderId === placedId);
    expect(heard.data.recipient).toMatchObject({ name: '李四' });
  });

  it('carries a virtual number WeChat has retired with its expiry in the past: callable no longer', async () => {
    const { placedId } = await paidOrder({ virtualExpiresAt: new Date(Date.now() - 60_000) });
    const recipient = (await asStaff('GET', `/orders/${placedId}`)).body.recipient as { phone: string; phoneExpiresAt: string };
    expect(recipient.phone).toBe('17100001234,5678');
    expect(Date.parse(recipient.phoneExpiresAt)).toBeLessThan(Date.now());
  });

  it('takes an event WeChat sends again once, and refuses a forged one and one for a store not connected, storing nothing', async () => {
    const orderId = String(nextOrder++);
    wechat.putOrder(wechatOrder(orderId, NOTE));
    const event: WechatEventInput = { event: 'channels_ec_order_pay', orderId };
    const { query, headers, body } = wechat.eventRequest(event);
    const send = async (url: string, q: Record<string, string> = query) => {
      const target = new URL(url);
      for (const [key, value] of Object.entries(q)) target.searchParams.set(key, value);
      const response = await fetch(target, { method: 'POST', headers, body });
      return { status: response.status, text: await response.text() };
    };
    expect(await send(pushUrl())).toEqual({ status: 200, text: 'success' });
    await eventually(async () => expect((await deliveries())[0]).toMatchObject({ externalRef: orderId, state: 'processed', outcome: 'placed' }), 30_000);
    const stored = await count(`SELECT count(*) AS n FROM intake_deliveries`);
    const events = await count(`SELECT count(*) AS n FROM events`);

    expect(await send(pushUrl())).toEqual({ status: 200, text: 'success' });
    const forged = await wechat.sendEvent(pushUrl(), { ...event, signWith: 'NotTheStoreToken' });
    expect(forged.status).toBe(401);
    expect(forged.text).toMatch(/^SIGNATURE_INVALID/);
    expect((await send(pushUrl('8b3c6a1e-0000-4000-8000-000000000000'))).status).toBe(404);

    expect(await count(`SELECT count(*) AS n FROM intake_deliveries`)).toBe(stored);
    expect(await count(`SELECT count(*) AS n FROM events`)).toBe(events);
  });

  it('cancels a placed order when WeChat says the buyer cancelled it', async () => {
    const { orderId, placedId } = await paidOrder();
    wechat.setStatus(orderId, 250);
    expect((await wechat.sendEvent(pushUrl(), { event: 'channels_ec_order_cancel', orderId, info: { cancel_type: 1 } })).text).toBe('success');
    await eventually(async () => expect((await asStaff('GET', `/orders/${placedId}`)).body).toMatchObject({ status: 'cancelled' }), 30_000);
  });

  it('ships the order once at pickup and tells WeChat nothing else — no further status, no position, which WeChat Store does not take', async () => {
    const { orderId, placedId } = await paidOrder();
    const wang = await rider('王师傅', '13700003333');
    for (const path of ['accept', 'production/start', 'production/finish']) await step(placedId, path);
    await step(placedId, 'rider', staff, { riderId: wang.riderId });
    const { pickupCode } = (await asStaff('GET', `/orders/${placedId}`)).body as { pickupCode: string };
    await step(placedId, 'pickup', wang.token, { pickupCode });
    await eventually(() => expect(shipmentsOf(orderId)).toHaveLength(1), 30_000);

    const now = Date.now();
    const fixes = [5, 15, 30].map((s, i) => ({
      lat: 31.2304 + i / 1000,
      lng: 121.4737 + i / 1000,
      accuracy: 8,
      recordedAt: new Date(now + s * 1000).toISOString(),
    }));
    expect((await callJson(`${dispatch.url}/riders/me/positions`, 'POST', wang.token, { positions: fixes })).body).toEqual({ accepted: 3, dropped: [] });
    await readPast(admin, namespace, 'petalpost.orders.positions', namespaced(TOPICS.riderLocations.name, namespace));
    await step(placedId, 'delivery', wang.token, { outcome: { kind: 'recipient' } });
    await readPast(admin, namespace, 'petalpost.orders.writeback', namespaced(TOPICS.ordersEvents.name, namespace));

    expect(await writebacksOf(placedId)).toEqual([{ status: 'out_for_delivery', state: 'done' }]);
    expect(shipmentsOf(orderId)).toEqual([
      {
        orderId,
        body: {
          order_id: orderId,
          delivery_list: [
            {
              delivery_id: 'OTHER',
              waybill_id: '13700003333',
              deliver_type: 1,
              product_infos: [{ product_id: '10000038912345', sku_id: '2001', product_cnt: 1 }],
            },
          ],
        },
      },
    ]);
  });

  it('retries the shipping WeChat refuses, then lists it dead until staff retry it, and ships once', async () => {
    const { orderId, placedId } = await paidOrder();
    const li = await rider('李师傅', '13700004444');
    wechat.failNext(MAX_ATTEMPTS, 503, (request) => request.path === SHIP);
    for (const path of ['accept', 'production/start', 'production/finish']) await step(placedId, path);
    await step(placedId, 'rider', staff, { riderId: li.riderId });
    await step(placedId, 'pickup');

    const dead = await eventually(async () => {
      const { body } = await asStaff('GET', '/intake/writebacks?state=dead');
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === placedId);
      expect(found).toMatchObject({
        platform: 'wechat',
        externalRef: orderId,
        status: 'out_for_delivery',
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringMatching(/503/),
      });
      return found!;
    }, 30_000);
    expect(shipmentsOf(orderId)).toEqual([]);

    expect((await asStaff('POST', `/intake/writebacks/${dead.writebackId}/retry`, {})).status).toBe(202);
    await eventually(() => expect(shipmentsOf(orderId).map((s) => s.body.delivery_list[0].waybill_id)).toEqual(['13700004444']), 30_000);
  });
});
