import { IntakeOrderSchema } from '../../domain/intake-order';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { isYouzanCipher, mapYouzanTrade, withPlainText, youzanCiphers, youzanGeo, youzanRefundState, type YouzanTrade } from './youzan-trade.mapper';

const context = { timeZone: 'Asia/Shanghai', rules: DEFAULT_PLATFORM_RULES };

/** A local-delivery trade as youzan.trade.get 4.0.0 answers it, its personal data encrypted as Youzan does. */
const trade = (overrides: Partial<YouzanTrade> = {}): YouzanTrade => ({
  order_info: {
    tid: 'E20270213093000012345678',
    status: 'WAIT_SELLER_SEND_GOODS',
    express_type: 2,
    created: '2027-02-13 09:30:00',
    pay_time: '2027-02-13 09:30:12',
    update_time: '2027-02-13 09:30:12',
    refund_state: 0,
  },
  address_info: {
    receiver_name: '$Qn/ZHaMby1MzBq3Rw2t7fw==$1$',
    receiver_tel: '$eTS8t8hAECdXKgNtV6DIfw==$1$',
    delivery_province: '上海市',
    delivery_city: '上海市',
    delivery_district: '黄浦区',
    delivery_address: '$kZgIwkQL5Q0O6anzQHrao==$1$',
    delivery_start_time: '2027-02-14 13:00:00',
    delivery_end_time: '2027-02-14 15:00:00',
    address_extra: '{"appointmentType":2,"areaCode":"310101","lon":121.478224,"lat":31.228474}',
  },
  buyer_info: { buyer_phone: '$Xb1uVq0cLw5m9Tn2pA==$1$', fans_nickname: '$v4+NgTioK/l9tFiZ0m8Eow==$1$', yz_open_id: 'lDWyZBas807636140352864256' },
  remark_info: { buyer_message: '贺卡：生日快乐，永远爱你；匿名' },
  pay_info: { payment: '199.50', total_fee: '219.50' },
  orders: [{ oid: 1, item_id: 3021, sku_id: 77, title: '红玫瑰 11 枝', num: 1, outer_sku_id: 'ROSE-11' }],
  ...overrides,
});

const plain = new Map([
  ['$Qn/ZHaMby1MzBq3Rw2t7fw==$1$', '李四'],
  ['$eTS8t8hAECdXKgNtV6DIfw==$1$', '13900001111'],
  ['$kZgIwkQL5Q0O6anzQHrao==$1$', '南京东路 100 号 8 楼'],
  ['$Xb1uVq0cLw5m9Tn2pA==$1$', '13800002222'],
  ['$v4+NgTioK/l9tFiZ0m8Eow==$1$', '张三'],
]);

describe('Youzan trade, decrypted', () => {
  it('finds each encrypted value once, and only encrypted ones', () => {
    expect(youzanCiphers(trade()).sort()).toEqual([...plain.keys()].sort());
    expect(isYouzanCipher('13900001111')).toBe(false);
    expect(isYouzanCipher('$abc$1$')).toBe(true);
  });

  it('replaces each with its plain text, and drops one Youzan did not decrypt instead of showing ciphertext', () => {
    const partly = new Map(plain);
    partly.delete('$kZgIwkQL5Q0O6anzQHrao==$1$');
    const opened = withPlainText(trade(), partly);
    expect(opened.address_info).toMatchObject({ receiver_name: '李四', receiver_tel: '13900001111' });
    expect(opened.address_info?.delivery_address).toBeUndefined();
    expect(trade().address_info?.receiver_name).toBe('$Qn/ZHaMby1MzBq3Rw2t7fw==$1$');
  });
});

describe('Youzan trade as an intake order', () => {
  it('keeps the buyer apart from the recipient, reads the slot in the shop’s zone, the card and the anonymous request', () => {
    const order = mapYouzanTrade(withPlainText(trade(), plain), context);
    expect(order).toEqual({
      displayRef: 'E20270213093000012345678',
      channel: 'marketplace',
      buyer: { name: '张三', phone: '13800002222', customerId: 'lDWyZBas807636140352864256' },
      recipient: {
        name: '李四',
        phone: '13900001111',
        address: { text: '上海市黄浦区南京东路 100 号 8 楼', geo: { lat: expect.closeTo(31.230416, 5), lng: expect.closeTo(121.473701, 5) } },
      },
      items: [{ sku: 'ROSE-11', name: '红玫瑰 11 枝', quantity: 1 }],
      deliveryWindow: { from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T15:00:00+08:00', timeZone: 'Asia/Shanghai' },
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      note: '匿名',
      price: { amountMinor: 19950, currency: 'CNY' },
      paid: true,
    });
    expect(IntakeOrderSchema.safeParse(order).success).toBe(true);
  });

  it('holds a note it cannot read with certainty for staff, never guessing', () => {
    const order = mapYouzanTrade(withPlainText(trade({ remark_info: { buyer_message: '不要匿名，贺卡写：新婚快乐' } }), plain), context);
    expect(order.review).toMatch(/name the sender/);
    expect(order.anonymousSender).toBe(false);
  });

  it('reads a slot whose start and end are the same time as that time and the shop’s ASAP minutes after it', () => {
    const address = { ...trade().address_info, delivery_start_time: '2027-02-14 23:30:00', delivery_end_time: '2027-02-14 23:30:00' };
    const order = mapYouzanTrade(withPlainText(trade({ address_info: address }), plain), context);
    expect(order.deliveryWindow).toEqual({ from: '2027-02-14T23:30:00+08:00', to: '2027-02-15T00:30:00+08:00', timeZone: 'Asia/Shanghai' });
  });

  it('leaves the window out when Youzan gave no time, saying so for staff (the order is held, not guessed)', () => {
    const address = { ...trade().address_info, delivery_start_time: '', delivery_end_time: '' };
    const order = mapYouzanTrade(withPlainText(trade({ address_info: address }), plain), context);
    expect(order.deliveryWindow).toBeUndefined();
    expect(order.deliveryText).toBe('Youzan gave no delivery time for this local delivery');
  });

  it('leaves out the recipient’s name and street when they stayed encrypted: held for what it lacks', () => {
    const order = mapYouzanTrade(withPlainText(trade(), new Map()), context);
    expect(order.recipient).toEqual({});
    expect(order.buyer).toEqual({ name: '有赞买家', customerId: 'lDWyZBas807636140352864256' });
  });

  it('names an item without a merchant code by its Youzan ids, and an unpaid trade is not paid', () => {
    const order = mapYouzanTrade(
      withPlainText(trade({ order_info: { tid: 'E1', status: 'WAIT_BUYER_PAY' }, orders: [{ item_id: 3021, sku_id: 77, title: '满天星', num: 2 }] }), plain),
      context,
    );
    expect(order.items).toEqual([{ sku: 'youzan-3021-77', name: '满天星', quantity: 2 }]);
    expect(order.paid).toBe(false);
  });

  it('reads no point from an address_extra without one, or at 0,0', () => {
    expect(youzanGeo(undefined)).toBeUndefined();
    expect(youzanGeo('{"areaCode":"310101"}')).toBeUndefined();
    expect(youzanGeo('{"lon":0,"lat":0}')).toBeUndefined();
    expect(youzanGeo('not json')).toBeUndefined();
  });
});

describe('Youzan trade refunds', () => {
  it('is all refunded when closed or refund_state 12, part refunded at 2, else none done yet', () => {
    expect(youzanRefundState(trade({ order_info: { tid: 'E1', status: 'TRADE_CLOSED' } }))).toBe('all');
    expect(youzanRefundState(trade({ order_info: { tid: 'E1', status: 'WAIT_SELLER_SEND_GOODS', refund_state: 12 } }))).toBe('all');
    expect(youzanRefundState(trade({ order_info: { tid: 'E1', status: 'WAIT_SELLER_SEND_GOODS', refund_state: 2 } }))).toBe('part');
    expect(youzanRefundState(trade({ order_info: { tid: 'E1', status: 'WAIT_SELLER_SEND_GOODS', refund_state: 11 } }))).toBe('none');
    expect(youzanRefundState(trade())).toBe('none');
  });
});
