import { IntakeOrderSchema } from '../../domain/intake-order';
import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { mapWechatOrder, readWechatSlot, wechatRecipientPhone, type WechatDecoded, type WechatOrder } from './wechat-order.mapper';

const context = { timeZone: 'Asia/Shanghai', rules: DEFAULT_PLATFORM_RULES };
// 2027-02-13 09:30 in Shanghai.
const ORDERED = Date.parse('2027-02-13T01:30:00Z') / 1000;

/** An order as /channels/ec/order/get answers it: the address masked. */
const order = (notes = '送达时间：2月14日 13:00-15:00；贺卡：生日快乐，永远爱你；匿名', overrides: Partial<WechatOrder> = {}): WechatOrder => ({
  order_id: '3705115058471208928',
  status: 20,
  openid: 'o8Hk-buyer-openid',
  create_time: ORDERED,
  update_time: ORDERED + 12,
  order_detail: {
    product_infos: [
      {
        product_id: '10000038912345',
        sku_id: '2001',
        title: '红玫瑰花束',
        sku_cnt: 1,
        sku_code: 'ROSE-11',
        sku_attrs: [{ attr_key: '规格', attr_value: '11枝' }],
      },
    ],
    price_info: { order_price: 19950, product_price: 18950, freight: 1000 },
    pay_info: { pay_time: ORDERED + 12 },
    delivery_info: {
      address_info: {
        user_name: '李*',
        tel_number: '139****1111',
        province_name: '上海市',
        city_name: '上海市',
        county_name: '黄浦区',
        detail_info: '南京东路***',
        lat: 31.228474,
        lng: 121.478224,
        use_tel_number: 1,
        tel_number_ext_info: { real_tel_number: '139****1111', virtual_tel_number: '17100001234-5678', virtual_tel_expire_time: 1802620800 },
      },
    },
    ext_info: { customer_notes: notes },
  },
  ...overrides,
});

const decoded: WechatDecoded = {
  address_info: {
    user_name: '李四',
    tel_number: '13900001111',
    province_name: '上海市',
    city_name: '上海市',
    county_name: '黄浦区',
    detail_info: '南京东路 100 号',
    house_number: '8 楼',
  },
  virtual_number_info: { virtual_number: '17100001234', extension: '5678', expiration: 1802620800 },
};

describe('WeChat Store order as an intake order', () => {
  it('takes the decoded address, the virtual number with its expiry, the slot and the card from the note', () => {
    const mapped = mapWechatOrder(order(), decoded, context);
    expect(mapped).toEqual({
      displayRef: '3705115058471208928',
      channel: 'marketplace',
      buyer: { name: '微信小店买家', customerId: 'o8Hk-buyer-openid' },
      recipient: {
        name: '李四',
        phone: '17100001234,5678',
        phoneExpiresAt: '2027-02-14T16:00:00.000Z',
        address: { text: '上海市黄浦区南京东路 100 号8 楼', geo: { lat: expect.closeTo(31.230416, 5), lng: expect.closeTo(121.473701, 5) } },
      },
      items: [{ sku: 'ROSE-11', name: '红玫瑰花束（11枝）', quantity: 1 }],
      deliveryWindow: { from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T15:00:00+08:00', timeZone: 'Asia/Shanghai' },
      cardMessage: '生日快乐，永远爱你',
      anonymousSender: true,
      note: '匿名',
      price: { amountMinor: 19950, currency: 'CNY' },
      paid: true,
    });
    expect(IntakeOrderSchema.safeParse(mapped).success).toBe(true);
  });

  it('never takes the masked address: without the decode the order lacks its recipient and is held', () => {
    const mapped = mapWechatOrder(order(), undefined, context);
    expect(mapped.recipient).toEqual({ phone: '17100001234,5678', phoneExpiresAt: '2027-02-14T16:00:00.000Z' });
  });

  it('reads the date from the SKU’s attributes (a florist’s 配送日期) and the time range from the note', () => {
    const withDateSku = order('13点-15点送到，贺卡：早日康复');
    withDateSku.order_detail!.product_infos![0].sku_attrs = [{ attr_key: '配送日期', attr_value: '2027-02-15' }];
    const mapped = mapWechatOrder(withDateSku, decoded, context);
    expect(mapped.deliveryWindow).toEqual({ from: '2027-02-15T13:00:00+08:00', to: '2027-02-15T15:00:00+08:00', timeZone: 'Asia/Shanghai' });
    expect(mapped.cardMessage).toBe('早日康复');
  });

  it('holds an order whose note has a date but no time range, showing staff what was there', () => {
    const mapped = mapWechatOrder(order('2月14日送'), decoded, context);
    expect(mapped.deliveryWindow).toBeUndefined();
    expect(mapped.deliveryText).toBe('WeChat note: 2月14日 (no whole date and time range)');
  });

  it('leaves out what was refunded after sale, and an unpaid or cancelled order is not paid', () => {
    const partly = order();
    partly.order_detail!.product_infos![0] = { ...partly.order_detail!.product_infos![0], sku_cnt: 2, finish_aftersale_sku_cnt: 1 };
    expect(mapWechatOrder(partly, decoded, context).items).toEqual([{ sku: 'ROSE-11', name: '红玫瑰花束（11枝）', quantity: 1 }]);
    expect(mapWechatOrder(order(undefined, { status: 10 }), decoded, context).paid).toBe(false);
  });
});

describe('WeChat recipient phone', () => {
  const window = { from: '2027-02-14T13:00:00+08:00', to: '2027-02-14T15:00:00+08:00' };

  it('is the real number when WeChat does not hide it', () => {
    expect(wechatRecipientPhone({}, { address_info: { tel_number: '13900001111' } }, window, DEFAULT_PLATFORM_RULES)).toEqual({ phone: '13900001111' });
  });

  it('takes the order’s virtual number when the decode gives none, and lasts the shop’s hours after the window when WeChat gives no expiry', () => {
    const masked = { use_tel_number: 1, tel_number_ext_info: { virtual_tel_number: '17100001234-5678' } };
    expect(wechatRecipientPhone(masked, { address_info: { tel_number: '139****1111' } }, window, DEFAULT_PLATFORM_RULES)).toEqual({
      phone: '17100001234,5678',
      expiresAt: '2027-02-14T10:00:00.000Z',
    });
  });

  it('is none when all WeChat shows is masked', () => {
    expect(wechatRecipientPhone({ tel_number: '139****1111' }, undefined, window, DEFAULT_PLATFORM_RULES)).toBeUndefined();
  });
});

describe('WeChat slot in free text', () => {
  const at = new Date(ORDERED * 1000);

  it('reads full dates, Chinese dates and clock ranges', () => {
    expect(readWechatSlot(['配送日期：2027年2月14日', '下午 1点半到3点'], at, context).window).toEqual({
      from: '2027-02-14T13:30:00+08:00',
      to: '2027-02-14T15:00:00+08:00',
      timeZone: 'Asia/Shanghai',
    });
    expect(readWechatSlot(['2027/02/14 09:00~11:00'], at, context).window?.from).toBe('2027-02-14T09:00:00+08:00');
  });

  it('puts a month and day before the order’s day in the next year', () => {
    expect(readWechatSlot(['1月5日 10:00-12:00'], at, context).window?.from).toBe('2028-01-05T10:00:00+08:00');
  });

  it('reads no window from a date that does not exist or a range that ends before it starts', () => {
    expect(readWechatSlot(['2月30日 10:00-12:00'], at, context).window).toBeUndefined();
    expect(readWechatSlot(['2月14日 15:00-13:00'], at, context).window).toBeUndefined();
    expect(readWechatSlot(['请尽快送达'], at, context).text).toBe('WeChat gave no delivery date or time');
  });

  it('gives back the note without the date and time for the card and the rest', () => {
    const slot = readWechatSlot(['送达时间：2月14日 13:00-15:00；贺卡：生日快乐'], at, context);
    expect(slot.rest('送达时间：2月14日 13:00-15:00；贺卡：生日快乐')).toBe('贺卡：生日快乐');
  });
});
