import { UnreadablePayload } from '../../../domain/intake-order';
import { DEFAULT_PLATFORM_RULES } from '../../buyer-note';
import type { PushMeaning } from '../../platform-connector';
import { MEITUAN_BUYER_NAME, meaningOfPush, type MeituanReading } from './meituan-order';
import type { MeituanParams } from './meituan-sig';

const ORDER = '27061900338318741';
// 2027-02-13 10:30 in Shanghai: when the buyer ordered; 2027-02-14 14:00 there: the time chosen.
const CTIME = '1802485800';
const CHOSEN = '1802584800';
const reading: MeituanReading = { timeZone: 'Asia/Shanghai', rules: DEFAULT_PLATFORM_RULES, receivedAt: '2027-02-13T02:30:05.000Z' };

/** A paid flower order as the push's fields carry it (go-meituan app_paid_order_request.go), values already decoded. */
const paid = (overrides: MeituanParams = {}): MeituanParams => ({
  order_id: ORDER,
  wm_order_id_view: ORDER,
  app_poi_code: 'petals-1',
  recipient_name: '李女士',
  recipient_address: '望京东路4号 恒电大厦B座1层@#北京市朝阳区望京东路4号恒电大厦',
  recipient_phone: '13800000000_1234',
  backup_recipient_phone: '[]',
  order_phone_number: '13900000000_5678',
  caution: '匿名配送；贺卡：生日快乐，永远爱你',
  detail: JSON.stringify([
    { app_food_code: 'ROSE-11', food_name: '红玫瑰11枝', quantity: 1, price: 199, spec: '礼盒装' },
    { app_food_code: '', sku_id: 'CARD-1', food_name: '贺卡', quantity: 2, price: 5, spec: '' },
  ]),
  total: '209.00',
  latitude: '39.915670',
  longitude: '116.410232',
  delivery_time: CHOSEN,
  ctime: CTIME,
  utime: '1802485810',
  pay_type: '2',
  logistics_code: '0000',
  day_seq: '12',
  timestamp: '1802485811',
  ...overrides,
});

function orderFrom(values: MeituanParams) {
  const meaning = meaningOfPush('paid', values, reading) as Extract<PushMeaning, { kind: 'order' }>;
  expect(meaning.kind).toBe('order');
  return meaning;
}

describe('a Meituan paid (or confirmed) push read as an order', () => {
  it('keeps the buyer — the booker, with their phone — apart from the recipient', () => {
    const { order } = orderFrom(paid());
    expect(order.buyer).toEqual({ name: MEITUAN_BUYER_NAME, phone: '13900000000,5678' });
    expect(order.recipient).toMatchObject({ name: '李女士', phone: '13800000000,1234' });
  });

  it('gives the recipient’s privacy number an expiry: the slot’s end and the shop’s hours after it', () => {
    const { order } = orderFrom(paid());
    // The slot ends 14:00 in Shanghai (06:00 UTC); three hours later the number stops working.
    expect(order.recipient?.phoneExpiresAt).toBe('2027-02-14T09:00:00.000Z');
    const real = orderFrom(paid({ recipient_phone: '13800000000' })).order.recipient;
    expect(real?.phone).toBe('13800000000');
    expect(real).not.toHaveProperty('phoneExpiresAt');
  });

  it('dials a backup privacy number when the main one is masked, else the one Meituan wrote into the note', () => {
    expect(orderFrom(paid({ recipient_phone: '138****0000', backup_recipient_phone: '["13811112222_4321"]' })).order.recipient?.phone).toBe('13811112222,4321');
    const fromNote = orderFrom(paid({ recipient_phone: '185****0000', caution: '贺卡：早日康复 收餐人隐私号 18500000000_3473，手机号 185****0000' })).order;
    expect(fromNote.recipient?.phone).toBe('18500000000,3473');
    expect(fromNote.cardMessage).toBe('早日康复');
    expect(fromNote.note).toBeUndefined();
  });

  it('places an order with no recipient phone rather than a masked one no rider can dial', () => {
    expect(orderFrom(paid({ recipient_phone: '138****0000' })).order.recipient?.phone).toBeUndefined();
  });

  it('reads the slot chosen as "by then", in the shop’s time zone', () => {
    const { order } = orderFrom(paid());
    expect(order.deliveryWindow).toEqual({ from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T14:00:00+08:00', timeZone: 'Asia/Shanghai' });
    expect(order.deliveryText).toBe('送达时间 2027-02-14 14:00');
  });

  it('reads delivery_time 0 as soon as possible: the shop’s asapMinutes from when it was ordered', () => {
    const { order } = orderFrom(paid({ delivery_time: '0' }));
    expect(order.deliveryWindow).toEqual({ from: '2027-02-13T10:30:00+08:00', to: '2027-02-13T11:30:00+08:00', timeZone: 'Asia/Shanghai' });
    const later = meaningOfPush('paid', paid({ delivery_time: '0' }), { ...reading, rules: { ...DEFAULT_PLATFORM_RULES, asapMinutes: 90 } });
    expect((later as Extract<PushMeaning, { kind: 'order' }>).order.deliveryWindow?.to).toBe('2027-02-13T12:00:00+08:00');
  });

  it('reads the card’s words and the anonymous-sender request from caution', () => {
    const { order } = orderFrom(paid());
    expect(order).toMatchObject({ cardMessage: '生日快乐，永远爱你', anonymousSender: true });
    expect(order).not.toHaveProperty('review');
    // What is neither card nor request stays for staff, as the buyer wrote it.
    expect(order.note).toBe('匿名配送；');
  });

  it('holds an order whose note may be read two ways, the whole note kept for staff', () => {
    const { order } = orderFrom(paid({ caution: '不要匿名；贺卡：新婚快乐' }));
    expect(order.review).toMatch(/备注无法确定/);
    expect(order.anonymousSender).toBe(false);
    expect(order.note).toBe('不要匿名；贺卡：新婚快乐');
  });

  it('takes the address as typed, keeps what Meituan found at the pin beside it, and the pin as WGS-84', () => {
    const { address } = orderFrom(paid()).order.recipient ?? {};
    expect(address).toMatchObject({ text: '望京东路4号 恒电大厦B座1层', notes: '定位地址 (at the pin): 北京市朝阳区望京东路4号恒电大厦' });
    // GCJ-02 39.915670,116.410232 is WGS-84 39.914266,116.403988 (Tiananmen, pinned in coordinates.unit.spec.ts).
    expect(address?.geo?.lat).toBeCloseTo(39.914266, 5);
    expect(address?.geo?.lng).toBeCloseTo(116.403988, 5);
  });

  it('reads a pin given ×10⁶ as the same place, and an address without a pin part as it is', () => {
    const { address } = orderFrom(paid({ latitude: '39915670', longitude: '116410232', recipient_address: '望京东路4号' })).order.recipient ?? {};
    expect(address?.text).toBe('望京东路4号');
    expect(address?.notes).toBeUndefined();
    expect(address?.geo?.lat).toBeCloseTo(39.914266, 5);
  });

  it('lists the items of detail with their spec, and the price paid in fen', () => {
    const { order } = orderFrom(paid());
    expect(order.items).toEqual([
      { sku: 'ROSE-11', name: '红玫瑰11枝（礼盒装）', quantity: 1 },
      { sku: 'CARD-1', name: '贺卡', quantity: 2 },
    ]);
    expect(order.price).toEqual({ amountMinor: 20900, currency: 'CNY' });
    expect(order.paid).toBe(true);
  });

  it('names the order by the day’s number and the order number the buyer sees, and dates it by utime', () => {
    const meaning = orderFrom(paid());
    expect(meaning).toMatchObject({ externalRef: ORDER, externalUpdatedAt: '2027-02-13T02:30:10.000Z' });
    expect(meaning.order.displayRef).toBe(`美团 #12 ${ORDER}`);
    expect(meaning.order.channel).toBe('marketplace');
  });

  it.each([
    ['collected at the shop', { pick_type: '1' }, /到店自取/],
    ['delivered by Meituan’s riders', { logistics_code: '1001' }, /美团配送/],
    ['items that do not read', { detail: '[{"food_name":"红玫瑰"' }, /商品明细无法读取/],
  ])('holds an order %s for staff, saying why', (_case, overrides, why) => {
    expect(orderFrom(paid(overrides)).order.review).toMatch(why);
  });

  it('refuses a push that names no order', () => {
    expect(() => meaningOfPush('paid', paid({ order_id: '', wm_order_id_view: '' }), reading)).toThrow(UnreadablePayload);
  });
});

describe('the other Meituan pushes', () => {
  const at = '2027-02-13T02:30:11.000Z';

  it('a cancellation cancels the order, with Meituan’s reason', () => {
    expect(meaningOfPush('cancelled', { order_id: ORDER, reason: '用户取消', reason_code: '1001', timestamp: '1802485811' }, reading)).toEqual({
      kind: 'cancelled',
      externalRef: ORDER,
      at,
      reason: '美团订单已取消：用户取消 (1001)',
    });
  });

  it('a full refund agreed cancels the order; one only asked for changes nothing yet', () => {
    expect(meaningOfPush('refunded', { order_id: ORDER, refund_id: '88', notify_type: 'agree', reason: '不想要了', ctime: CTIME }, reading)).toMatchObject({
      kind: 'cancelled',
      reason: '美团全额退款：不想要了',
    });
    expect(meaningOfPush('refunded', { order_id: ORDER, refund_id: '88', notify_type: 'apply', timestamp: '1802485811' }, reading)).toMatchObject({
      kind: 'skip',
      externalRef: ORDER,
      reason: expect.stringMatching(/apply/),
    });
  });

  it('a partial refund flags the order with what went back', () => {
    const food = JSON.stringify([{ food_name: '贺卡', count: 1 }]);
    expect(
      meaningOfPush('partly-refunded', { order_id: ORDER, refund_id: '90', notify_type: 'agree', money: '5.00', food, reason: '缺货', ctime: CTIME }, reading),
    ).toEqual({
      kind: 'partly_refunded',
      externalRef: ORDER,
      at: '2027-02-13T02:30:00.000Z',
      note: '美团部分退款 (part refunded) ¥5.00；贺卡 × 1；原因 (reason): 缺货',
    });
  });

  it('a 催单 flags the order as chased', () => {
    expect(meaningOfPush('reminder', { order_id: ORDER, remind_id: '1', timestamp: '1802485811' }, reading)).toMatchObject({
      kind: 'reminder',
      externalRef: ORDER,
      at,
    });
  });

  it('a completed order is recorded', () => {
    expect(meaningOfPush('completed', { wm_order_id_view: ORDER, status: '8', utime: '1802485811' }, reading)).toEqual({
      kind: 'completed',
      externalRef: ORDER,
      at,
    });
  });

  it('a privacy-number downgrade gives the recipient’s real number, with no expiry, or asks for it to be pulled', () => {
    expect(meaningOfPush('privacy-downgrade', { order_id: ORDER, recipient_phone: '13800000000', timestamp: '1802485811' }, reading)).toEqual({
      kind: 'recipient_phone',
      externalRef: ORDER,
      at,
      phone: { phone: '13800000000' },
    });
    expect(meaningOfPush('privacy-downgrade', { order_id: ORDER, recipient_phone: '13800000000_1234', timestamp: '1802485811' }, reading)).toEqual({
      kind: 'pull_real_phone',
      externalRef: ORDER,
      at,
    });
    expect(meaningOfPush('privacy-downgrade', { app_poi_code: 'petals-1', timestamp: '1802485811' }, reading)).toMatchObject({ kind: 'skip' });
  });
});
