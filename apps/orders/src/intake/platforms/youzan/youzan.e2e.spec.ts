import type { Principal } from '@petalpost/auth';
import { namespaced, TOPICS } from '@petalpost/contracts';
import type { RunningService } from '@petalpost/platform';
import { eventually, type ServiceProcess, testInfra, uniqueName } from '@petalpost/testing';
import { startYouzanStandIn, youzanTrade, type YouzanPushInput, type YouzanStandIn } from '@petalpost/testing/shop-platforms';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../../orders.config';
import { wgs84ToGcj02 } from '../coordinates';
import { callJson, readPast, signToken, StaffSocket, type PlatformServices, startPlatformServices, registerRider } from '../../intake-e2e.fixture';

// End to end on the real orders, dispatch and notifications services, PostgreSQL and Kafka. Youzan
// is not reachable from here: its pushes and open API are a local stand-in that signs as Youzan does
// and refuses any request Youzan would not take (libs/testing/src/shop-platforms/youzan.stand-in.ts);
// every test checks it refused none but those the test provokes.

const nextYear = new Date().getUTCFullYear() + 1;
const SLOT = { start: `${nextYear}-02-14 13:00:00`, end: `${nextYear}-02-14 15:00:00` };
const MAX_ATTEMPTS = 3;
/** Shorter than Youzan's minute (the connector's rate), so a spec sees several positions told. */
const POSITION_INTERVAL_MS = 10_000;
const LOCAL_DELIVERY = '/api/youzan.retail.open.update.localDeliveryStatus/1.0.0';

describe('Youzan orders end to end: pushed, placed, heard by staff, and the shop’s own rider told back (real services, Postgres and Kafka; Youzan a stand-in)', () => {
  let youzan: YouzanStandIn;
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
  let nextTid = Date.now();

  const asStaff = (method: string, path: string, body?: unknown) => callJson(`${orders.url}${path}`, method, staff, body);
  const pushUrl = (connection = connectionId) => `${orders.url}/intake/pushes/youzan/${connection}`;
  const db = () => orders.app.get(DataSource);
  const count = async (sql: string) => Number((await db().query<Array<{ n: string }>>(sql))[0].n);
  /** What became of a push, once the worker has processed it. */
  const processed = (eventId: string) =>
    eventually(async () => {
      const { body } = await asStaff('GET', `/intake/connections/${connectionId}/deliveries?limit=100`);
      const delivery = (body.deliveries as Array<Record<string, string>>).find((d) => d.eventId === eventId);
      expect(delivery?.state).toBe('processed');
      return delivery!;
    }, 30_000);
  /** A paid local-delivery trade on Youzan and its pushed message, placed: the order's id. */
  const paidTrade = async (overrides: Partial<YouzanPushInput> = {}) => {
    const tid = `E${nextTid++}`;
    youzan.putTrade(youzanTrade(tid, SLOT));
    const push = { type: 'trade_TradePaid', id: tid, version: Date.now(), ...overrides };
    const sent = await youzan.sendPush(pushUrl(), push);
    expect(sent).toMatchObject({ status: 200, text: '{"code":0,"msg":"success"}' });
    const delivery = await processed(`${tid}:trade_TradePaid:${push.version}`);
    expect(delivery).toMatchObject({ outcome: 'placed', externalRef: tid, orderId: expect.any(String) });
    return { tid, orderId: delivery.orderId, push };
  };
  const updatesOf = (tid: string) => youzan.localDeliveryUpdates().filter((u) => u.orderNo === tid);
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ status: string; state: string }>>(`SELECT status, state FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`, [orderId]);
  const step = async (orderId: string, path: string, token = staff, body: unknown = {}) =>
    expect((await callJson(`${orders.url}/orders/${orderId}/${path}`, 'POST', token, body)).status).toBe(200);
  const rider = (name: string, phone: string) => registerRider(services, shop, name, phone);

  beforeAll(async () => {
    youzan = await startYouzanStandIn();
    services = await startPlatformServices({
      ORDERS_INTAKE_YOUZAN_API_ORIGIN: youzan.apiOrigin,
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      ORDERS_INTAKE_POSITION_INTERVAL_MS: String(POSITION_INTERVAL_MS),
    });
    ({ namespace, orders, dispatch, notifications } = services);
    admin = new Kafka({ clientId: 'youzan-e2e', brokers: testInfra().kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    shop = uniqueName('shop');
    staff = signToken({ role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    socket = await StaffSocket.open(notifications.url, { role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    // The owner connects the Youzan shop in the console: the self-use app's client_id and secret, the shop's kdt_id.
    const created = await asStaff('POST', '/intake/connections', {
      platform: 'youzan',
      label: '有赞微商城',
      timeZone: 'Asia/Shanghai',
      appKey: youzan.clientId,
      appSecret: youzan.clientSecret,
      storeRef: youzan.kdtId,
      rules: { anonymousWords: ['匿名', '不留名'] },
    });
    expect(created.status).toBe(201);
    connectionId = (created.body.connection as { connectionId: string }).connectionId;
  }, 180_000);
  afterEach(() => {
    const refused = youzan
      .calls()
      .filter((c) => c.refused && !c.injectedFailure)
      .map((c) => `${c.path}: ${c.refused}`);
    expect(refused).toEqual([]);
  });
  afterAll(async () => {
    socket?.socket.close();
    await admin?.disconnect();
    await services?.stop();
    await youzan?.close();
  });

  it('connects the shop with its client id, secret and kdt_id, and shows the one callback URL to paste, never the secret', async () => {
    const { body } = await asStaff('GET', '/intake/connections');
    const connection = (body.connections as Array<Record<string, unknown>>).find((c) => c.connectionId === connectionId);
    expect(connection).toMatchObject({
      platform: 'youzan',
      appKey: youzan.clientId,
      storeRef: youzan.kdtId,
      source: `youzan:${youzan.kdtId}`,
      callbackUrls: [{ url: expect.stringMatching(new RegExp(`/intake/pushes/youzan/${connectionId}$`)) }],
    });
    expect(JSON.stringify(body)).not.toContain(youzan.clientSecret);
    // The console's test: a sample push signed as Youzan signs, through the real path, never placed.
    const tested = await asStaff('POST', `/intake/connections/${connectionId}/test`);
    expect(tested).toMatchObject({ status: 200, body: { delivery: { topic: 'petalpost/test', state: 'processed', outcome: 'tested' } } });
    // Youzan's heartbeat checks the URL is alive: answered, nothing stored.
    expect(await youzan.sendPush(pushUrl(), { type: 'trade_TradePaid', id: 'heartbeat', test: true })).toMatchObject({
      status: 200,
      text: '{"code":0,"msg":"success"}',
    });
  });

  it('places a signed paid push as the order it describes — buyer apart from recipient, slot, card, anonymous sender — and staff hear of it', async () => {
    const { orderId } = await paidTrade();
    const order = (await asStaff('GET', `/orders/${orderId}`)).body;
    expect(order).toMatchObject({
      shopId: shop,
      status: 'placed',
      source: 'marketplace',
      buyer: { name: '张三', phone: '13800002222' },
      recipient: { name: '李四', phone: '13900001111', address: { text: '上海市黄浦区南京东路 100 号 8 楼' } },
      items: [{ sku: 'ROSE-11', name: '红玫瑰 11 枝', quantity: 1 }],
      deliveryWindow: { from: `${nextYear}-02-14T13:00:00+08:00`, to: `${nextYear}-02-14T15:00:00+08:00`, timeZone: 'Asia/Shanghai' },
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      price: { amountMinor: 19950, currency: 'CNY' },
      paid: true,
    });
    const heard = await socket.heard('OrderPlaced', (data) => data.orderId === orderId);
    expect(heard.data.recipient).toMatchObject({ name: '李四' });
  });

  it('takes a push Youzan sends again once, and refuses a forged one and one for a shop not connected in Youzan’s shape, storing nothing', async () => {
    const { tid, orderId, push } = await paidTrade();
    const stored = () => count(`SELECT count(*) AS n FROM intake_deliveries`);
    const events = () => count(`SELECT count(*) AS n FROM events`);
    const [storedBefore, eventsBefore] = [await stored(), await events()];

    // Youzan sends a message again until answered, counting up sendCount; the same bytes may come twice too.
    for (const again of [{ ...push, sendCount: 1 }, push]) expect((await youzan.sendPush(pushUrl(), again)).text).toBe('{"code":0,"msg":"success"}');
    const forged = await youzan.sendPush(pushUrl(), { ...push, version: push.version + 1, sign: 'f'.repeat(32) });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text)).toMatchObject({ code: 401, msg: expect.stringMatching(/^SIGNATURE_INVALID/) });
    const elsewhere = await youzan.sendPush(pushUrl('8b3c6a1e-0000-4000-8000-000000000000'), push);
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.text)).toMatchObject({ code: 404, msg: expect.stringMatching(/^SHOP_NOT_CONNECTED/) });

    expect(await stored()).toBe(storedBefore);
    expect(await events()).toBe(eventsBefore);
    const placed = await db().query<Array<{ n: string }>>(`SELECT count(*) AS n FROM intake_orders WHERE external_ref = $1`, [tid]);
    expect(placed[0].n).toBe('1');
    expect((await asStaff('GET', `/orders/${orderId}`)).body).toMatchObject({ status: 'placed' });
  });

  it('records a full refund of a trade never taken as changing nothing', async () => {
    const tid = `E${nextTid++}`;
    const trade = youzanTrade(tid, SLOT);
    youzan.putTrade({ ...trade, order_info: { ...trade.order_info, status: 'TRADE_CLOSED', refund_state: 12 } });
    const events = await count(`SELECT count(*) AS n FROM events`);
    const push = { type: 'trade_refund_RefundSuccess', id: '201902271234', version: Date.now(), message: { tid, refund_id: '201902271234' } };
    expect((await youzan.sendPush(pushUrl(), push)).text).toBe('{"code":0,"msg":"success"}');
    expect(await processed(`201902271234:trade_refund_RefundSuccess:${push.version}`)).toMatchObject({
      outcome: 'skipped',
      reason: 'no such order',
      externalRef: tid,
    });
    expect(await count(`SELECT count(*) AS n FROM events`)).toBe(events);
  });

  it('tells Youzan the rider, each step and the rider’s positions as GCJ-02, in order and exactly once each', async () => {
    const { tid, orderId } = await paidTrade();
    const wang = await rider('王师傅', '13700003333');
    for (const path of ['accept', 'production/start', 'production/finish']) await step(orderId, path);
    await step(orderId, 'rider', staff, { riderId: wang.riderId });
    const { pickupCode } = (await asStaff('GET', `/orders/${orderId}`)).body as { pickupCode: string };
    await step(orderId, 'pickup', wang.token, { pickupCode });
    const pickedUp = await eventually(() => {
      const told = updatesOf(tid);
      expect(told.map((u) => u.body.delivery_status)).toEqual([2, 3]);
      return told[1].body.update_time;
    }, 30_000);

    // The rider's phone reports positions on the way (its clock a little ahead, as phones' are):
    // the second comes sooner than the platform's rate after the first and is not told.
    const at = (seconds: number) => new Date(pickedUp + seconds * 1000).toISOString();
    const fixes = [
      { lat: 31.230416, lng: 121.473701, accuracy: 8, recordedAt: at(2) },
      { lat: 31.231, lng: 121.4745, accuracy: 8, recordedAt: at(5) },
      { lat: 31.232, lng: 121.476, accuracy: 8, recordedAt: at(15) },
      { lat: 31.2335, lng: 121.478, accuracy: 8, recordedAt: at(30) },
    ];
    expect((await callJson(`${dispatch.url}/riders/me/positions`, 'POST', wang.token, { positions: fixes })).body).toEqual({ accepted: 4, dropped: [] });
    await eventually(() => expect(updatesOf(tid)).toHaveLength(5), 30_000);
    await readPast(admin, namespace, 'petalpost.orders.positions', namespaced(TOPICS.riderLocations.name, namespace));
    await step(orderId, 'delivery', wang.token, { outcome: { kind: 'recipient' } });
    await eventually(async () => expect((await writebacksOf(orderId)).map((w) => w.state)).toEqual(Array(6).fill('done')), 30_000);

    const gcj = (fix: (typeof fixes)[number]) => wgs84ToGcj02(fix);
    expect(updatesOf(tid).map((u) => u.body)).toEqual([
      { order_no: tid, kdt_id: Number(youzan.kdtId), delivery_status: 2, update_time: expect.any(Number), rider_name: '王师傅', rider_phone: '13700003333' },
      { order_no: tid, kdt_id: Number(youzan.kdtId), delivery_status: 3, update_time: pickedUp, rider_name: '王师傅', rider_phone: '13700003333' },
      ...[fixes[0], fixes[2], fixes[3]].map((fix) => ({
        order_no: tid,
        kdt_id: Number(youzan.kdtId),
        delivery_status: 3,
        update_time: Date.parse(fix.recordedAt),
        rider_name: '王师傅',
        rider_phone: '13700003333',
        latitude: gcj(fix).lat,
        longitude: gcj(fix).lng,
      })),
      { order_no: tid, kdt_id: Number(youzan.kdtId), delivery_status: 4, update_time: expect.any(Number), rider_name: '王师傅', rider_phone: '13700003333' },
    ]);
    // The first position as Youzan's map has it: the pinned conversion of that point.
    expect(updatesOf(tid)[2].body).toMatchObject({ latitude: 31.228474, longitude: 121.478224 });
    expect((await writebacksOf(orderId)).map((w) => w.status)).toEqual(['rider_assigned', 'out_for_delivery', 'location', 'location', 'location', 'delivered']);
  });

  it('retries a status Youzan refuses with a growing wait, then lists it dead until staff retry it', async () => {
    const { tid, orderId } = await paidTrade();
    const li = await rider('李师傅', '13700004444');
    youzan.failNext(MAX_ATTEMPTS, 503, (request) => request.path === LOCAL_DELIVERY);
    await step(orderId, 'accept');
    await step(orderId, 'rider', staff, { riderId: li.riderId });

    const dead = await eventually(async () => {
      const { body } = await asStaff('GET', '/intake/writebacks?state=dead');
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === orderId);
      expect(found).toMatchObject({
        platform: 'youzan',
        externalRef: tid,
        status: 'rider_assigned',
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringMatching(/503/),
      });
      return found!;
    }, 30_000);
    expect(updatesOf(tid)).toEqual([]);
    expect(youzan.calls().filter((c) => c.injectedFailure && c.path === LOCAL_DELIVERY)).toHaveLength(MAX_ATTEMPTS);

    expect((await asStaff('POST', `/intake/writebacks/${dead.writebackId}/retry`, {})).status).toBe(202);
    await eventually(() => expect(updatesOf(tid).map((u) => [u.body.delivery_status, u.body.rider_name])).toEqual([[2, '李师傅']]), 30_000);
  });
});
