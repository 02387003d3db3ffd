import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import type { PushMeaning } from '../platform-connector';
import { ELEME_BUYER_NAME, orderMeaning, parseOrderData, pushMeaning, type ElemeReadContext } from './eleme-order.mapper';
import { readPush } from './eleme-pushes';

const LATEST = Math.floor(Date.parse('2026-02-14T15:00:00+08:00') / 1000);
/** An order.get answer's data as the public integrations read it. */
const detail = (order: Record<string, unknown> = {}, user: Record<string, unknown> = {}) => ({
  order: {
    order_id: '3035779590075503',
    status: 1,
    send_immediately: 2,
    latest_send_time: LATEST,
    create_time: LATEST - 86_400,
    remark: '贺卡：生日快乐，永远爱你',
    user_fee: 19900,
    total_fee: 21900,
    order_index: 12,
    ...order,
  },
  user: {
    name: '李女士',
    phone: '13800138000,1234',
    address: '北京市东城区东长安街1号 东方广场W1座 8层',
    coord_amap: { longitude: '116.410232', latitude: '39.915670' },
    coord: { longitude: '116.416718', latitude: '39.921964' },
    ...user,
  },
  shop: { id: 'S-88', name: '花语花店', baidu_shop_id: '32001234' },
  products: [
    [
      { product_name: '红玫瑰 11 支', product_amount: 1, custom_sku_id: 'ROSE-11', baidu_product_id: '1575981', product_price: 19900 },
      { product_name: '贺卡', product_amount: 2, baidu_product_id: '1575990', product_price: 0 },
    ],
  ],
  discount: [],
});
const context: ElemeReadContext = { rules: DEFAULT_PLATFORM_RULES, timeZone: 'Asia/Shanghai', storeRef: 'S-88', pushedAt: '2026-02-13T07:00:05.000Z' };
const orderOf = (meaning: PushMeaning) => {
  if (meaning.kind !== 'order') throw new Error(`not an order: ${meaning.kind}`);
  return meaning;
};

describe('an Ele.me order as order.get gives it', () => {
  it('goes to the recipient Ele.me names, the buyer kept apart as the Ele.me customer', () => {
    const { order, externalRef, externalUpdatedAt } = orderOf(orderMeaning(parseOrderData(detail()), context));
    expect(externalRef).toBe('3035779590075503');
    expect(externalUpdatedAt).toBe('2026-02-13T07:00:05.000Z');
    expect(order.buyer).toEqual({ name: ELEME_BUYER_NAME });
    expect(order.recipient).toMatchObject({ name: '李女士', address: { text: '北京市东城区东长安街1号 东方广场W1座 8层' } });
    expect(order.channel).toBe('marketplace');
    expect(order.paid).toBe(true);
    expect(order.price).toEqual({ amountMinor: 19900, currency: 'CNY' });
  });

  it('keeps the privacy number dialable as number, pause, extension, until three hours after the window', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail()), context));
    expect(order.recipient).toMatchObject({ phone: '13800138000,1234', phoneExpiresAt: '2026-02-14T10:00:00.000Z' });
  });

  it('gives a real mobile number no expiry', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail({}, { phone: '13912345678' })), context));
    expect(order.recipient?.phone).toBe('13912345678');
    expect(order.recipient?.phoneExpiresAt).toBeUndefined();
  });

  it('places the address at its WGS-84 point, from the GCJ-02 Amap coordinate', () => {
    const geo = orderOf(orderMeaning(parseOrderData(detail()), context)).order.recipient?.address?.geo;
    expect(geo?.lat).toBeCloseTo(39.914266, 5);
    expect(geo?.lng).toBeCloseTo(116.403988, 5);
  });

  it('books the hour up to latest_send_time, in the shop’s zone', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail()), context));
    expect(order.deliveryWindow).toEqual({ from: '2026-02-14T14:00:00+08:00', to: '2026-02-14T15:00:00+08:00', timeZone: 'Asia/Shanghai' });
  });

  it('gives an as-soon-as-possible order the shop’s ASAP minutes from when it was ordered', () => {
    const ordered = Math.floor(Date.parse('2026-02-14T11:20:00+08:00') / 1000);
    const { order } = orderOf(
      orderMeaning(parseOrderData(detail({ send_immediately: 1, create_time: ordered })), {
        ...context,
        rules: { ...DEFAULT_PLATFORM_RULES, asapMinutes: 90 },
      }),
    );
    expect(order.deliveryWindow).toEqual({ from: '2026-02-14T11:20:00+08:00', to: '2026-02-14T12:50:00+08:00', timeZone: 'Asia/Shanghai' });
  });

  it('holds a booked order with no time for staff, saying what Ele.me gave', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail({ latest_send_time: 0 })), context));
    expect(order.deliveryWindow).toBeUndefined();
    expect(order.deliveryText).toBe('send_immediately 2, latest_send_time 0');
    expect(order.recipient?.phoneExpiresAt).toBeUndefined();
  });

  it('reads the card text out of the remark and keeps the rest for staff', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail({ remark: '请下午送到；贺卡：生日快乐，永远爱你' })), context));
    expect(order.cardMessage).toBe('生日快乐，永远爱你');
    expect(order.note).toBe('请下午送到；');
    expect(order.anonymousSender).toBe(false);
    expect(order.review).toBeUndefined();
  });

  it('takes an anonymous-sender request from the remark', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail({ remark: '匿名送出，贺卡：想你了' })), context));
    expect(order).toMatchObject({ anonymousSender: true, cardMessage: '想你了' });
  });

  it('holds an order whose remark may ask for the opposite, never guessing', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail({ remark: '不要匿名，贺卡：想你了' })), context));
    expect(order.review).toMatch(/name the sender/);
    expect(order.anonymousSender).toBe(false);
  });

  it('lists every product of every bag with its shop code', () => {
    const { order } = orderOf(orderMeaning(parseOrderData(detail()), context));
    expect(order.items).toEqual([
      { sku: 'ROSE-11', name: '红玫瑰 11 支', quantity: 1 },
      { sku: '1575990', name: '贺卡', quantity: 2 },
    ]);
  });

  it('marks a snapshot Ele.me shows cancelled, so a late create places nothing', () => {
    expect(orderOf(orderMeaning(parseOrderData(detail({ status: 10 })), context)).order.cancelled).toEqual({ reason: 'cancelled on Ele.me' });
  });

  it('takes nothing from an order of another Ele.me shop', () => {
    expect(orderMeaning(parseOrderData(detail()), { ...context, storeRef: 'S-99' })).toEqual({
      kind: 'skip',
      externalRef: '3035779590075503',
      reason: "an order of Ele.me shop S-88 / 32001234, not this connection's S-99",
    });
    expect(orderMeaning(parseOrderData(detail()), { ...context, storeRef: '32001234' }).kind).toBe('order');
  });

  it('refuses an answer that is not an order', () => {
    expect(() => parseOrderData({ order: { status: 1 } })).toThrow(/order\.order_id/);
  });
});

describe('what each Ele.me push means', () => {
  const envelope = (cmd: string, body: unknown) => readPush({ cmd, body: JSON.stringify(body), source: '34665', ticket: 'T', timestamp: '1', version: '3' })!;
  const fetched: string[] = [];
  const fetchOrder =
    (status = 1) =>
    async (orderId: string) => {
      fetched.push(orderId);
      return parseOrderData(detail({ order_id: orderId, status }));
    };
  beforeEach(() => (fetched.length = 0));

  it('reads a new order from order.get', async () => {
    const meaning = await pushMeaning(envelope('order.create', { order_id: '3035779590075503' }), context, fetchOrder());
    expect(meaning.kind).toBe('order');
    expect(fetched).toEqual(['3035779590075503']);
  });

  it.each([1, 5])('reads the order again when its status becomes %i', async (status) => {
    expect((await pushMeaning(envelope('order.status.push', { order_id: '30357', status }), context, fetchOrder(status))).kind).toBe('order');
    expect(fetched).toEqual(['30357']);
  });

  it('cancels on status 10 with the reason Ele.me gives, without asking Ele.me', async () => {
    expect(await pushMeaning(envelope('order.status.push', { order_id: '30357', status: 10, reason: '用户取消' }), context, fetchOrder())).toEqual({
      kind: 'cancelled',
      externalRef: '30357',
      at: context.pushedAt,
      reason: 'cancelled on Ele.me: 用户取消',
    });
    expect(fetched).toEqual([]);
  });

  it('cancels an order refunded in full (status 15)', async () => {
    expect(await pushMeaning(envelope('order.status.push', { order_id: '30357', status: 15 }), context, fetchOrder())).toMatchObject({
      kind: 'cancelled',
      reason: 'refunded in full on Ele.me',
    });
  });

  it('records a completed order (status 9)', async () => {
    expect(await pushMeaning(envelope('order.status.push', { order_id: '30357', status: 9 }), context, fetchOrder())).toEqual({
      kind: 'completed',
      externalRef: '30357',
      at: context.pushedAt,
    });
  });

  it.each([7, 8])('does nothing on status %i (Ele.me’s own riders)', async (status) => {
    expect(await pushMeaning(envelope('order.status.push', { order_id: '30357', status }), context, fetchOrder())).toMatchObject({ kind: 'skip' });
  });

  const refund = (state: number, reason?: string) => ({
    order_id: '30357',
    refund_order_id: '9001',
    cur_reverse_event: { refund_status: state, reason_content: reason },
  });

  it('alerts staff to a part refunded, when Ele.me still has the order going', async () => {
    expect(await pushMeaning(envelope('order.reverse.push', refund(50, '少送一支')), context, fetchOrder(5))).toEqual({
      kind: 'partly_refunded',
      externalRef: '30357',
      at: context.pushedAt,
      note: 'Ele.me refunded part of the order (refund 9001): 少送一支',
    });
  });

  it('cancels when the refund left the whole order refunded', async () => {
    expect(await pushMeaning(envelope('order.reverse.push', refund(50)), context, fetchOrder(10))).toMatchObject({
      kind: 'cancelled',
      reason: 'refunded in full on Ele.me (refund 9001)',
    });
  });

  it('changes nothing while a refund is only asked for, refused or closed', async () => {
    expect(await pushMeaning(envelope('order.reverse.push', refund(10)), context, fetchOrder())).toEqual({
      kind: 'skip',
      externalRef: '30357',
      reason: 'refund 9001 is now applied for: answered in Ele.me',
    });
    expect(fetched).toEqual([]);
  });

  it('alerts staff when the buyer chases the order', async () => {
    expect(await pushMeaning(envelope('order.remind.push', { order_id: '30357' }), context, fetchOrder())).toMatchObject({
      kind: 'reminder',
      externalRef: '30357',
    });
  });
});
