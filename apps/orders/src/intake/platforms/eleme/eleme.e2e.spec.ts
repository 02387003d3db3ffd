import { randomUUID } from 'node:crypto';
import { developmentTokens, type Principal } from '@petalpost/auth';
import type { RunningService } from '@petalpost/platform';
import { eventually, type ServiceProcess, uniqueName } from '@petalpost/testing';
import { elemeOrderDetail, startElemeStandIn, type ElemeStandIn } from '@petalpost/testing/shop-platforms';
import { DataSource } from 'typeorm';
import type { OrdersConfig } from '../../../orders.config';
import { orderStream } from '../../../orders/domain/order.events';
import { wgs84ToGcj02 } from '../coordinates';
import { StaffSocket, type PlatformServices, startPlatformServices } from '../../intake-e2e.fixture';

// Our Kafka and PostgreSQL are real, and so are the orders, dispatch and notifications services.
// Ele.me's gateway cannot be reached from here: a local stand-in (libs/testing/src/shop-platforms/
// eleme.stand-in.ts) sends pushes signed as Ele.me signs them, checks our signed answers, serves
// order.get and the write-back calls checking every envelope's sign and shape, and refuses a wrong
// call — or a second self-delivery track on one order — Ele.me's way. Every case checks that the
// stand-in refused nothing it was not told to.

const tokens = developmentTokens();
const MAX_ATTEMPTS = 3;
const year = new Date().getUTCFullYear() + 1;
/** Booked for 15:00 Beijing time on Valentine's Day next year: never over. */
const latestSendTime = Math.floor(Date.parse(`${year}-02-14T15:00:00+08:00`) / 1000);

describe('Ele.me 零售 end to end: pushes to orders, the shop’s own rider back to Ele.me (orders, dispatch, notifications; Ele.me stand-in)', () => {
  let eleme: ElemeStandIn;
  let services: PlatformServices;
  let orders: RunningService<OrdersConfig>;
  let dispatch: ServiceProcess;
  let notifications: ServiceProcess;
  let staffSocket: StaffSocket;
  let shop: string;
  let connectionId: string;
  let pushUrl: string;
  const riderId = randomUUID();
  /** Refusals a case asked the stand-in for; any other is a call Ele.me would not take. */
  const meantRefusals = new Set<string>();

  const staff = () => tokens.sign({ role: 'staff', shopId: shop, sub: 'alice' } as Principal);
  const riderToken = () => tokens.sign({ role: 'rider', shopId: shop, sub: riderId } as Principal);
  const request = async (base: string, method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by path in assertions
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  };
  const call = (method: string, path: string, body?: unknown, token = staff()) => request(orders.url, method, path, token, body);
  const db = () => orders.app.get(DataSource);
  const count = async (sql: string, params: unknown[] = []) => Number((await db().query<Array<{ n: string }>>(sql, params))[0].n);
  const deliveriesStored = () => count(`SELECT count(*) AS n FROM intake_deliveries WHERE connection_id = $1`, [connectionId]);
  /** What became of the push of this event, once the worker has processed it. */
  const outcomeOf = (eventId: string) =>
    eventually(async () => {
      const { body } = await call('GET', `/intake/connections/${connectionId}/deliveries?limit=100`);
      const delivery = (body.deliveries as Array<Record<string, unknown>>).find((d) => d.eventId === eventId);
      expect(delivery?.state).toBe('processed');
      return delivery!;
    }, 30_000);
  const newOrderId = () => `30${Date.now()}${Math.floor(Math.random() * 10)}`;
  /** Ele.me has the order, then announces it: a signed order.create with its id only. */
  const announce = async (orderId: string, detail = elemeOrderDetail(orderId, eleme.shopId, { order: { latest_send_time: latestSendTime } })) => {
    eleme.putOrder(detail);
    const answer = await eleme.push(pushUrl, { cmd: 'order.create', body: { order_id: orderId, platform_shop_id: eleme.shopId } });
    expect(answer).toMatchObject({ status: 200, errno: 0, error: 'success', signed: true });
    expect(answer.problem).toBeUndefined();
    const delivery = await outcomeOf(`order.create:${orderId}`);
    expect(delivery).toMatchObject({ outcome: 'placed', externalRef: orderId, orderId: expect.any(String) });
    return delivery.orderId as string;
  };
  /** The shop takes the order and makes it; dispatch gives it to the shop's rider. */
  const takeAndMake = async (orderId: string) => {
    for (const path of ['accept', 'production/start', 'production/finish']) expect((await call('POST', `/orders/${orderId}/${path}`, {})).status).toBe(200);
  };
  const assignRider = (orderId: string) =>
    eventually(async () => {
      // Dispatch's board has the order once its events have reached it.
      const assigned = await request(dispatch.url, 'PUT', `/deliveries/${orderId}/rider`, staff(), { riderId });
      expect(assigned.status).toBe(202);
      await eventually(async () => expect((await call('GET', `/orders/${orderId}`)).body.riderId).toBe(riderId), 10_000);
    }, 30_000);
  const pickUp = async (orderId: string) => {
    const { pickupCode } = (await call('GET', `/orders/${orderId}`)).body;
    expect((await call('POST', `/orders/${orderId}/pickup`, { pickupCode }, riderToken())).status).toBe(200);
    return (await call('GET', `/orders/${orderId}`)).body;
  };
  const writebacksOf = (orderId: string) =>
    db().query<Array<{ status: string; state: string; attempts: number }>>(
      `SELECT status, state, attempts FROM intake_writebacks WHERE order_id = $1 ORDER BY seq`,
      [orderId],
    );

  beforeAll(async () => {
    eleme = await startElemeStandIn({ accessToken: 'eleme-shop-token' });
    services = await startPlatformServices({
      ORDERS_INTAKE_ELEME_API_ORIGIN: eleme.apiOrigin,
      ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    });
    ({ orders, dispatch, notifications } = services);
    shop = uniqueName('shop');
    staffSocket = await StaffSocket.open(notifications.url, { role: 'staff', shopId: shop, sub: 'alice' });
    // The shop's rider, as the shop registers them with dispatch: their name and phone go to Ele.me.
    const registered = await request(dispatch.url, 'POST', '/riders', staff(), {
      riderId,
      name: '王师傅',
      phone: '13900001111',
      vehicle: { kind: 'e-bike', capacity: 6 },
    });
    expect(registered.status).toBe(201);
  }, 180_000);
  afterAll(async () => {
    staffSocket?.socket.close();
    await services?.stop();
    await eleme?.close();
  });
  afterEach(() => {
    expect(eleme.calls().filter((c) => c.refused !== undefined && !meantRefusals.has(c.refused))).toEqual([]);
  });

  it('connects the shop through the API and gives the one push URL to paste into Ele.me', async () => {
    const created = await call('POST', '/intake/connections', {
      platform: 'eleme',
      label: '饿了么',
      timeZone: 'Asia/Shanghai',
      appKey: eleme.source,
      appSecret: eleme.secret,
      storeRef: eleme.shopId,
      accessToken: 'eleme-shop-token',
    });
    expect(created.status).toBe(201);
    connectionId = created.body.connection.connectionId as string;
    expect(created.body.connection).toMatchObject({ platform: 'eleme', appKey: eleme.source, storeRef: eleme.shopId });
    expect(created.body.connection.callbackUrls).toEqual([{ url: expect.stringMatching(new RegExp(`/intake/pushes/eleme/${connectionId}$`)) }]);
    expect(JSON.stringify(created.body)).not.toContain(eleme.secret);
    expect(JSON.stringify(created.body)).not.toContain('eleme-shop-token');
    pushUrl = `${orders.url}/intake/pushes/eleme/${connectionId}`;
  });

  it('places a signed order.create as the order Ele.me gives — recipient apart from the buyer, slot, card, anonymous flag — and staff hear of it', async () => {
    const elemeOrderId = newOrderId();
    const detail = elemeOrderDetail(elemeOrderId, eleme.shopId, { order: { latest_send_time: latestSendTime, remark: '匿名送出；贺卡：生日快乐，永远爱你' } });
    const orderId = await announce(elemeOrderId, detail);

    const { body: order } = await call('GET', `/orders/${orderId}`);
    expect(order).toMatchObject({
      shopId: shop,
      status: 'placed',
      reference: elemeOrderId,
      source: 'marketplace',
      buyer: { name: '饿了么顾客' },
      recipient: {
        name: '李女士',
        phone: '13800138000,1234',
        phoneExpiresAt: new Date((latestSendTime + 3 * 3600) * 1000).toISOString(),
        address: { text: '北京市东城区东长安街1号 东方广场W1座 8层' },
      },
      deliveryWindow: { from: `${year}-02-14T14:00:00+08:00`, to: `${year}-02-14T15:00:00+08:00`, timeZone: 'Asia/Shanghai' },
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      items: [{ sku: 'ROSE-11', name: '红玫瑰 11 支', quantity: 1 }],
      price: { amountMinor: 19_900, currency: 'CNY' },
      paid: true,
    });
    // The address's GCJ-02 point from Ele.me is kept as WGS-84 (Tiananmen, about 600 m west of the Amap point).
    expect(order.recipient.address.geo.lat).toBeCloseTo(39.914266, 5);
    expect(order.recipient.address.geo.lng).toBeCloseTo(116.403988, 5);
    const asked = eleme.calls().filter((c) => new URLSearchParams(c.body).get('cmd') === 'order.get');
    expect(asked.map((c) => JSON.parse(new URLSearchParams(c.body).get('body')!))).toContainEqual({ order_id: elemeOrderId });

    const heard = await staffSocket.heard('OrderPlaced', (data) => data.orderId === orderId);
    expect(heard.data).toMatchObject({ orderId, shopId: shop });
  });

  it('stores a push Ele.me sends again once: answered the same, nothing placed or changed twice', async () => {
    const elemeOrderId = newOrderId();
    const orderId = await announce(elemeOrderId);
    const stored = await deliveriesStored();
    const orderEvents = () => count(`SELECT count(*) AS n FROM events WHERE stream_id = $1`, [orderStream(orderId)]);
    const placedWith = await orderEvents();

    const again = await eleme.push(pushUrl, { cmd: 'order.create', body: { order_id: elemeOrderId, platform_shop_id: eleme.shopId } });
    expect(again).toMatchObject({ status: 200, errno: 0, signed: true });
    expect(await deliveriesStored()).toBe(stored);
    // Ele.me sending a status again, under a new ticket, is the same push too.
    const confirmed = { cmd: 'order.status.push', body: { order_id: elemeOrderId, status: 5 } };
    await eleme.push(pushUrl, confirmed);
    expect(await outcomeOf(`order.status.push:${elemeOrderId}:5`)).toMatchObject({ orderId });
    await eleme.push(pushUrl, confirmed);
    expect(await deliveriesStored()).toBe(stored + 1);
    expect(await count(`SELECT count(*) AS n FROM intake_orders WHERE external_ref = $1`, [elemeOrderId])).toBe(1);
    expect(await orderEvents()).toBe(placedWith);
  });

  it('refuses a forged push in Ele.me’s envelope (errno not 0, unsigned) and one for a shop not connected, storing nothing', async () => {
    const stored = await deliveriesStored();
    const forged = await eleme.push(pushUrl, { cmd: 'order.create', body: { order_id: newOrderId() }, signWith: 'not-the-app-secret' });
    expect(forged).toMatchObject({ status: 200, errno: 1001, signed: false });
    expect(forged.problem).toBeUndefined();
    const elsewhere = await eleme.push(`${orders.url}/intake/pushes/eleme/${randomUUID()}`, { cmd: 'order.create', body: { order_id: newOrderId() } });
    expect(elsewhere).toMatchObject({ status: 200, errno: 1002, signed: false });
    expect(await deliveriesStored()).toBe(stored);
  });

  it('cancels the order when Ele.me pushes it cancelled', async () => {
    const elemeOrderId = newOrderId();
    const orderId = await announce(elemeOrderId);
    await eleme.push(pushUrl, { cmd: 'order.status.push', body: { order_id: elemeOrderId, status: 10 } });
    expect(await outcomeOf(`order.status.push:${elemeOrderId}:10`)).toMatchObject({ outcome: 'cancelled', orderId });
    expect((await call('GET', `/orders/${orderId}`)).body.status).toBe('cancelled');
  });

  it('tells Ele.me the shop’s own delivery on one track — confirmed, made, the rider, out, the way in GCJ-02 at its rate, delivered — each once, in order', async () => {
    const elemeOrderId = newOrderId();
    const orderId = await announce(elemeOrderId);
    await takeAndMake(orderId);
    await assignRider(orderId);
    expect((await pickUp(orderId)).status).toBe('out_for_delivery');
    const pickedUpAt = Date.now();

    // The rider rides to the recipient; the phone stamps a fix every 15 s or so (dispatch takes a
    // phone clock up to two minutes ahead, so the ride is reported at once). Ele.me takes a
    // position at most every 30 s: the second fix is too soon after the first and is not told.
    const ride = [
      { lat: 39.9087, lng: 116.3975, after: 10 },
      { lat: 39.9101, lng: 116.3999, after: 25 },
      { lat: 39.9123, lng: 116.4021, after: 45 },
      { lat: 39.914266, lng: 116.403988, after: 80 },
    ].map(({ after, ...point }) => ({ ...point, accuracy: 6, recordedAt: new Date(pickedUpAt + after * 1000).toISOString() }));
    const reported = await request(dispatch.url, 'POST', '/riders/me/positions', riderToken(), { positions: ride });
    expect(reported).toMatchObject({ status: 202, body: { accepted: 4, dropped: [] } });
    const told = [ride[0], ride[2], ride[3]];
    await eventually(() => expect(eleme.writebacks(elemeOrderId).filter((w) => w.cmd === 'order.selfDeliveryLocationSync')).toHaveLength(told.length), 30_000);

    await request(orders.url, 'POST', `/orders/${orderId}/delivery`, riderToken(), { outcome: { kind: 'recipient' } }).then((r) => expect(r.status).toBe(200));
    await eventually(async () => expect((await writebacksOf(orderId)).every((w) => w.state === 'done')).toBe(true), 30_000);
    await eventually(() => expect(eleme.writebacks(elemeOrderId).at(-1)?.body.selfStatus).toBe(30), 30_000);

    const knight = { id: riderId, name: '王师傅', phone: '13900001111' };
    const state = (selfStatus: number) => ({
      cmd: 'order.selfDeliveryStateSync',
      orderId: elemeOrderId,
      body: { order_id: elemeOrderId, distributor_id: 201, selfStatus, knight },
    });
    const location = (fix: (typeof ride)[number]) => {
      const gcj = wgs84ToGcj02(fix);
      return {
        cmd: 'order.selfDeliveryLocationSync',
        orderId: elemeOrderId,
        body: { order_id: elemeOrderId, location: { UTC: Math.floor(Date.parse(fix.recordedAt) / 1000), altitude: 0, latitude: gcj.lat, longitude: gcj.lng } },
      };
    };
    expect(eleme.writebacks(elemeOrderId)).toEqual([
      { cmd: 'order.confirm', orderId: elemeOrderId, body: { order_id: elemeOrderId } },
      { cmd: 'order.pickcomplete', orderId: elemeOrderId, body: { order_id: elemeOrderId } },
      state(3),
      state(20),
      ...told.map(location),
      state(30),
    ]);
    // Tiananmen as a Chinese map shows it: GCJ-02 on the way out, as a known conversion says.
    expect(eleme.writebacks(elemeOrderId).at(-2)?.body.location).toMatchObject({ latitude: 39.91567, longitude: 116.410232 });
    expect(eleme.writebacks(elemeOrderId).map((w) => w.cmd)).not.toContain('order.sendout');
  });

  it('retries a write-back Ele.me refuses, then lists it dead for staff; a retry by staff sends it', async () => {
    const elemeOrderId = newOrderId();
    const orderId = await announce(elemeOrderId);
    eleme.refuseNext(MAX_ATTEMPTS, ['order.confirm']);
    expect((await call('POST', `/orders/${orderId}/accept`, {})).status).toBe(200);

    const dead = await eventually(async () => {
      const { body } = await call('GET', '/intake/writebacks?state=dead');
      const found = (body.writebacks as Array<Record<string, unknown>>).find((w) => w.orderId === orderId);
      expect(found).toMatchObject({
        platform: 'eleme',
        status: 'confirmed',
        state: 'dead',
        attempts: MAX_ATTEMPTS,
        lastError: expect.stringContaining('系统繁忙'),
      });
      return found!;
    }, 30_000);
    expect(eleme.writebacks(elemeOrderId)).toEqual([]);

    const retried = await call('POST', `/intake/writebacks/${dead.writebackId as string}/retry`, {});
    expect(retried).toMatchObject({ status: 202, body: { state: 'pending' } });
    await eventually(() => expect(eleme.writebacks(elemeOrderId).map((w) => w.cmd)).toEqual(['order.confirm']), 30_000);
  });
});
