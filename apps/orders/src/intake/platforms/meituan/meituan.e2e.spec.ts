import { developmentTokens, type Principal } from '@petalpost/auth';
import type { RunningService } from '@petalpost/platform';
import { eventually, type ServiceProcess, uniqueName } from '@petalpost/testing';
import { meituanPaidOrder, type MeituanPush, startMeituanStandIn, type MeituanStandIn } from '@petalpost/testing/shop-platforms';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../../orders.config';
import { orderStream } from '../../../orders/domain/order.events';
import { wgs84ToGcj02 } from '../../platforms/coordinates';
import { StaffSocket, type PlatformServices, startPlatformServices } from '../../intake-e2e.fixture';

// Our Kafka and PostgreSQL are real, and so are the orders, dispatch and notifications services.
// Meituan is not reachable from here: a local stand-in (libs/testing/src/shop-platforms/meituan.stand-in.ts)
// signs and sends pushes as Meituan does and refuses any open-API call Meituan would not accept;
// every spec checks that none was refused.

const tokens = developmentTokens();
const MAX_ATTEMPTS = 3;
const POSITION_INTERVAL_MS = 1000;
// Valentine's Day of next year, 14:00 in Shanghai: never over.
const nextYear = new Date().getUTCFullYear() + 1;
const chosen = new Date(`${nextYear}-02-14T06:00:00Z`);

describe('orders from Meituan 闪购, and the shop’s own riders written back (real orders, dispatch and notifications; a Meituan stand-in)', () => {
  let meituan: MeituanStandIn;
  let services: PlatformServices;
  let orders: RunningService<OrdersConfig>;
  let dispatch: ServiceProcess;
  let notifications: ServiceProcess;
  let socket: StaffSocket;
  let shop: string;
  let staff: string;
  let connectionId: string;
  let callbackUrls: Array<{ pushType?: string; url: string }>;
  let nextOrder = 1;
  const run = String(Date.now()).slice(-9);
  /** A Meituan order id: 17 digits, more than a double holds exactly. */
  const newOrderId = () => `2706${run}${String(nextOrder++).padStart(4, '0')}`;

  const call = async (base: string, method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };
  const toOrders = (method: string, path: string, body?: unknown) => call(orders.url, method, path, staff, body);
  const db = () => orders.app.get(DataSource);

  /** Meituan pushes to the URL the shop registered (the public one, signed over), which reaches the service behind its proxy. */
  const push = (pushType: string, params: Record<string, string | number>, options: Partial<MeituanPush> = {}) =>
    meituan.sendPush({
      url: `${orders.url}/intake/pushes/meituan/${connectionId}/${pushType}`,
      signedUrl: callbackUrls.find((c) => c.pushType === pushType)?.url,
      params,
      ...options,
    });
  const deliveriesOf = async (externalRef: string) =>
    ((await toOrders('GET', `/intake/connections/${connectionId}/deliveries?limit=100`)).body.deliveries as Array<Record<string, string>>).filter(
      (d) => d.externalRef === externalRef || d.eventId.startsWith(`${externalRef}:`),
    );
  /** What became of a push, once the worker has processed it. */
  const processed = (eventId: string) =>
    eventually(async () => {
      const externalRef = eventId.split(':')[0];
      const delivery = (await deliveriesOf(externalRef)).find((d) => d.eventId === eventId);
      expect(delivery?.state).toBe('processed');
      return delivery!;
    }, 30_000);
  const order = async (orderId: string) => (await toOrders('GET', `/orders/${orderId}`)).body;
  const eventsOf = async (orderId: string) =>
    db().query<Array<{ type: string; data: Record<string, unknown> }>>(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_version`, [
      orderStream(orderId),
    ]);
  /** A paid order pushed and placed: its Meituan id and our order id. */
  const placedOrder = async (overrides: Record<string, string | number> = {}) => {
    const externalRef = newOrderId();
    const sent = await push('paid', meituanPaidOrder(externalRef, meituan.appPoiCode, chosen, overrides));
    expect(sent).toMatchObject({ status: 200, text: '{"data":"ok"}' });
    const delivery = await processed(`${externalRef}:paid`);
    expect(delivery).toMatchObject({ outcome: 'placed', orderId: expect.any(String) });
    return { externalRef, orderId: delivery.orderId };
  };
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ writeback_id: string; status: string; state: string; attempts: number }>>(
      `SELECT writeback_id, status, state, attempts FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );
  const toldOf = (externalRef: string) => meituan.writebacks().filter((w) => w.params.order_id === externalRef);

  beforeAll(async () => {
    meituan = await startMeituanStandIn({ shopPin: { lat: 39.996794, lng: 116.480881 } });
    services = await startPlatformServices({
      ORDERS_INTAKE_MEITUAN_API_ORIGIN: meituan.apiOrigin,
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      // Meituan takes a position every 2 minutes; the spec's rider cannot wait that long between fixes.
      ORDERS_INTAKE_POSITION_INTERVAL_MS: String(POSITION_INTERVAL_MS),
    });
    ({ orders, dispatch, notifications } = services);
    shop = uniqueName('shop');
    staff = tokens.sign({ role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    socket = await StaffSocket.open(notifications.url, { role: 'staff', shopId: shop, sub: 'mei' } as Principal);
    const created = await toOrders('POST', '/intake/connections', {
      platform: 'meituan',
      label: '美团闪购 望京店',
      timeZone: 'Asia/Shanghai',
      appKey: meituan.appId,
      appSecret: meituan.appSecret,
      storeRef: meituan.appPoiCode,
    });
    expect(created.status).toBe(201);
    const connection = created.body.connection as { connectionId: string; callbackUrls: Array<{ pushType?: string; url: string }> };
    connectionId = connection.connectionId;
    callbackUrls = connection.callbackUrls;
  }, 180_000);
  afterAll(async () => {
    socket?.socket.close();
    await services?.stop();
    await meituan?.close();
  });
  afterEach(() => expect(meituan.calls().filter((c) => c.refused)).toEqual([]));

  it('connects the store and gives one callback URL for each Meituan push, to paste into its console', () => {
    expect(callbackUrls.map((c) => c.pushType)).toEqual([
      'paid',
      'confirmed',
      'cancelled',
      'refunded',
      'partly-refunded',
      'reminder',
      'completed',
      'privacy-downgrade',
    ]);
    for (const { pushType, url } of callbackUrls)
      expect(url).toBe(`${orders.config.ORDERS_INTAKE_PUBLIC_URL}/intake/pushes/meituan/${connectionId}/${pushType}`);
  });

  it('places a signed paid push as the order it is — the booker apart from the recipient, the slot, the card, the anonymous sender — and staff hear of it', async () => {
    const { externalRef, orderId } = await placedOrder();
    expect(await order(orderId)).toMatchObject({
      status: 'placed',
      reference: expect.stringContaining(externalRef),
      buyer: { name: '美团预订人', phone: '13900000000,5678' },
      recipient: {
        name: '李女士',
        phone: '13800000000,1234',
        // The slot ends 14:00 in Shanghai; Meituan's privacy number is kept three hours after.
        phoneExpiresAt: `${nextYear}-02-14T09:00:00.000Z`,
        address: { text: '望京东路4号 恒电大厦B座1层' },
      },
      deliveryWindow: { from: `${nextYear}-02-14T13:00:00+08:00`, to: `${nextYear}-02-14T14:00:00+08:00`, timeZone: 'Asia/Shanghai' },
      items: [{ sku: 'ROSE-11', name: '红玫瑰11枝（礼盒装）', quantity: 1 }],
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      price: { amountMinor: 19900, currency: 'CNY' },
      paid: true,
    });
    const heard = await socket.heard('OrderPlaced', (data) => data.orderId === orderId);
    expect(heard.data.recipient).toMatchObject({ name: '李女士' });
  });

  it('stores and places nothing more when Meituan pushes the same order again', async () => {
    const externalRef = newOrderId();
    const params = meituanPaidOrder(externalRef, meituan.appPoiCode, chosen);
    const timestamp = Math.floor(Date.now() / 1000);
    await push('paid', params, { timestamp });
    const { orderId } = await processed(`${externalRef}:paid`);
    const events = (await eventsOf(orderId)).length;
    const again = await push('paid', params, { timestamp });
    expect(again).toMatchObject({ status: 200, text: '{"data":"ok"}' });
    // Sent again later, newly signed: still the same order's paid push.
    expect(await push('paid', params)).toMatchObject({ status: 200, text: '{"data":"ok"}' });
    expect(await deliveriesOf(externalRef)).toHaveLength(1);
    expect(await eventsOf(orderId)).toHaveLength(events);
    const placements = await db().query(`SELECT 1 FROM events WHERE type = 'OrderPlaced' AND data->>'reference' LIKE $1`, [`%${externalRef}`]);
    expect(placements).toHaveLength(1);
  });

  it('refuses a forged push in Meituan’s shape and stores nothing', async () => {
    const externalRef = newOrderId();
    const forged = await push('paid', meituanPaidOrder(externalRef, meituan.appPoiCode, chosen), { secret: 'not-the-app-secret' });
    expect(forged).toEqual(expect.objectContaining({ status: 401, text: '{"data":"ng","error":{"code":703,"msg":"签名验证错误"}}' }));
    expect(forged.contentType).toMatch(/^application\/json/);
    // Signed right, but for another push type's URL: sig covers the exact URL.
    const moved = await push('cancelled', { order_id: externalRef, reason: '用户取消', reason_code: '1001' }, { signedUrl: callbackUrls[0].url });
    expect(moved.status).toBe(401);
    expect(await deliveriesOf(externalRef)).toEqual([]);
  });

  it('holds an order whose note could be read two ways, for staff, with the whole note', async () => {
    const externalRef = newOrderId();
    await push('paid', meituanPaidOrder(externalRef, meituan.appPoiCode, chosen, { caution: '不要匿名；贺卡：新婚快乐' }));
    expect(await processed(`${externalRef}:paid`)).toMatchObject({ outcome: 'needs_attention', reason: expect.stringMatching(/^unclear_note: 备注无法确定/) });
    const held = ((await toOrders('GET', '/intake/attention')).body.items as Array<Record<string, unknown>>).find((i) => i.externalRef === externalRef);
    expect(held).toMatchObject({ reason: 'unclear_note' });
  });

  it('tells Meituan the confirmation, the picking and the shop’s rider from assignment to delivery, with the positions in GCJ-02, in order and once each', async () => {
    const { externalRef, orderId } = await placedOrder();
    const riderId = uniqueName('rider');
    const registered = await call(dispatch.url, 'POST', '/riders', staff, {
      riderId,
      name: '王师傅',
      phone: '13800138000',
      vehicle: { kind: 'bicycle', capacity: 6 },
    });
    expect(registered.status).toBe(201);
    // Meituan shows the buyer the rider's name and phone: the orders service hears of them from dispatch first.
    await eventually(
      async () =>
        expect(await db().query(`SELECT name, phone FROM intake_riders WHERE rider_id = $1`, [riderId])).toEqual([{ name: '王师傅', phone: '13800138000' }]),
      30_000,
    );
    for (const [path, body] of [
      ['accept', {}],
      ['production/start', {}],
      ['production/finish', {}],
      ['rider', { riderId }],
      ['pickup', {}],
    ] as const) {
      expect((await toOrders('POST', `/orders/${orderId}/${path}`, body)).status).toBe(200);
    }
    // Positions are told from pickup on: the order's self-delivery is kept as its pickup is read (its write-back queued with it).
    await eventually(async () => expect((await writebacksOf(orderId)).map((w) => w.status)).toContain('out_for_delivery'), 30_000);
    const pickedUpAt = Date.parse(String((await eventsOf(orderId)).find((e) => e.type === 'OutForDelivery')?.data.pickedUpAt));
    // The rider's phone on the way: four fixes, the second too soon after the first for Meituan's rate.
    const fixes = [1000, 1500, 2500, 4000].map((ms, i) => ({
      lat: 39.99 - i * 0.002,
      lng: 116.47 + i * 0.002,
      accuracy: 8,
      recordedAt: new Date(pickedUpAt + ms).toISOString(),
    }));
    const rider = tokens.sign({ role: 'rider', shopId: shop, sub: riderId } as Principal);
    expect(await call(dispatch.url, 'POST', '/riders/me/positions', rider, { positions: fixes })).toMatchObject({ status: 202, body: { accepted: 4 } });
    await eventually(async () => expect((await writebacksOf(orderId)).filter((w) => w.status === 'location' && w.state === 'done')).toHaveLength(3), 30_000);
    expect((await toOrders('POST', `/orders/${orderId}/delivery`, { outcome: { kind: 'recipient' } })).status).toBe(200);
    await eventually(async () => expect((await writebacksOf(orderId)).map((w) => w.state)).toEqual(Array(8).fill('done')), 30_000);

    const gcj = (fix: { lat: number; lng: number }) => {
      const point = wgs84ToGcj02(fix);
      return { latitude: point.lat.toFixed(6), longitude: point.lng.toFixed(6) };
    };
    const shopPin = { latitude: '39.996794', longitude: '116.480881' };
    const sync = (status: string, at: { latitude: string; longitude: string }) => ({
      path: 'ecommerce/order/logistics/sync',
      method: 'POST',
      params: {
        order_id: externalRef,
        third_carrier_order_id: externalRef,
        courier_name: '王师傅',
        courier_phone: '13800138000',
        logistics_provider_code: '10015',
        logistics_status: status,
        ...at,
      },
    });
    expect(toldOf(externalRef)).toEqual([
      { path: 'order/confirm', method: 'GET', params: { order_id: externalRef } },
      { path: 'order/preparationMealComplete', method: 'GET', params: { order_id: externalRef } },
      sync('10', shopPin),
      sync('20', shopPin),
      sync('20', gcj(fixes[0])),
      sync('20', gcj(fixes[2])),
      sync('20', gcj(fixes[3])),
      // Delivered where the rider last was.
      sync('40', gcj(fixes[3])),
    ]);
  });

  it('retries a write-back Meituan refuses, lists it as dead after the last attempt, and sends it when staff retry', async () => {
    const { externalRef, orderId } = await placedOrder();
    meituan.refuseNext(MAX_ATTEMPTS, (c) => c.path === 'order/confirm' && c.params.order_id === externalRef);
    expect((await toOrders('POST', `/orders/${orderId}/accept`, {})).status).toBe(200);
    const dead = await eventually(async () => {
      const { body } = await toOrders('GET', '/intake/writebacks?state=dead');
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === orderId);
      expect(found).toMatchObject({ platform: 'meituan', status: 'confirmed', state: 'dead', attempts: MAX_ATTEMPTS, lastError: expect.stringMatching(/700/) });
      return found!;
    }, 30_000);
    expect(toldOf(externalRef)).toEqual([]);
    expect(meituan.refusedOnPurpose().filter((c) => c.params.order_id === externalRef)).toHaveLength(MAX_ATTEMPTS);

    expect(await toOrders('POST', `/intake/writebacks/${dead.writebackId}/retry`, {})).toMatchObject({ status: 202 });
    await eventually(async () => expect((await writebacksOf(orderId)).map((w) => w.state)).toEqual(['done']), 30_000);
    expect(toldOf(externalRef)).toEqual([{ path: 'order/confirm', method: 'GET', params: { order_id: externalRef } }]);
  });

  it('alerts staff on the order when the buyer chases it (催单), each time', async () => {
    const { externalRef, orderId } = await placedOrder();
    await push('reminder', { order_id: externalRef, remind_id: '1', remind_time: Math.floor(Date.now() / 1000) });
    await push('reminder', { order_id: externalRef, remind_id: '2', remind_time: Math.floor(Date.now() / 1000) + 1 });
    expect(await processed(`${externalRef}:reminder:1`)).toMatchObject({ outcome: 'flagged', reason: 'buyer_reminder', orderId });
    expect(await processed(`${externalRef}:reminder:2`)).toMatchObject({ outcome: 'flagged', reason: 'buyer_reminder', orderId });
    const { openExceptions, status } = await order(orderId);
    expect(status).toBe('placed');
    expect((openExceptions as Array<{ kind: string }>).filter((e) => e.kind === 'buyer_reminder')).toHaveLength(2);
  });

  it('cancels the order when a full refund is agreed, not while it is only asked for', async () => {
    const { externalRef, orderId } = await placedOrder();
    await push('refunded', { order_id: externalRef, refund_id: '880001', notify_type: 'apply', reason: '不想要了', res_type: 0, is_appeal: 0 });
    expect(await processed(`${externalRef}:refunded:880001:apply`)).toMatchObject({ outcome: 'skipped' });
    expect((await order(orderId)).status).toBe('placed');
    await push('refunded', { order_id: externalRef, refund_id: '880001', notify_type: 'agree', reason: '不想要了', res_type: 2, is_appeal: 0 });
    expect(await processed(`${externalRef}:refunded:880001:taken`)).toMatchObject({ outcome: 'cancelled', orderId });
    expect((await order(orderId)).status).toBe('cancelled');
  });

  it('flags a partial refund on the order for staff, and changes nothing else', async () => {
    const { externalRef, orderId } = await placedOrder();
    const food = JSON.stringify([{ app_food_code: 'CARD-1', food_name: '贺卡', count: 1, refund_price: 5 }]);
    await push('partly-refunded', { order_id: externalRef, refund_id: '990001', notify_type: 'part', money: '5.00', food, reason: '缺货' });
    expect(await processed(`${externalRef}:partly-refunded:990001:taken`)).toMatchObject({ outcome: 'flagged', reason: 'partial_refund', orderId });
    const { openExceptions, status } = await order(orderId);
    expect(status).toBe('placed');
    expect(openExceptions).toEqual([expect.objectContaining({ kind: 'partial_refund', note: expect.stringContaining('¥5.00') })]);
  });

  it('gives the recipient the real number when Meituan downgrades the privacy number, with no expiry', async () => {
    const { externalRef, orderId } = await placedOrder();
    meituan.setRealPhone(externalRef, '13811112222');
    await push('privacy-downgrade', { order_id: externalRef, app_poi_code: meituan.appPoiCode });
    expect(await processed(`${externalRef}:privacy-downgrade:`)).toMatchObject({ outcome: 'corrected', orderId });
    const { recipient } = await order(orderId);
    expect(recipient).toMatchObject({ name: '李女士', phone: '13811112222', address: { text: '望京东路4号 恒电大厦B座1层' } });
    expect(recipient).not.toHaveProperty('phoneExpiresAt');
  });

  it('passes the connection test: Meituan’s signed sample goes through the real push path, and nothing is placed', async () => {
    const tested = await toOrders('POST', `/intake/connections/${connectionId}/test`);
    expect(tested).toMatchObject({ status: 200, body: { delivery: { topic: 'petalpost/test', state: 'processed', outcome: 'tested' } } });
    expect(await db().query(`SELECT 1 FROM intake_orders WHERE external_ref = '27000000000000001'`)).toEqual([]);
  });

  it('changes nothing for a refund of an order it never had, and says so', async () => {
    const externalRef = newOrderId();
    await push('refunded', { order_id: externalRef, refund_id: '770001', notify_type: 'agree', reason: '不想要了', res_type: 2, is_appeal: 0 });
    expect(await processed(`${externalRef}:refunded:770001:taken`)).toMatchObject({ outcome: 'skipped', reason: 'no such order', externalRef });
    const rows = await db().query(`SELECT 1 FROM intake_orders WHERE external_ref = $1`, [externalRef]);
    expect(rows).toEqual([]);
    const appended = await db().query(`SELECT 1 FROM events WHERE data::text LIKE $1`, [`%${externalRef}%`]);
    expect(appended).toEqual([]);
  });
});
