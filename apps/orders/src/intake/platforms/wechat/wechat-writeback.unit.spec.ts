import { isShipped, wechatDeliverySendRequest } from './wechat-writeback';

const order = {
  order_id: '3705115058471208928',
  status: 20,
  order_detail: {
    product_infos: [
      { product_id: '10000038912345', sku_id: '2001', sku_cnt: 2, finish_aftersale_sku_cnt: 1, title: '红玫瑰花束' },
      { product_id: '10000038912346', sku_id: '2002', sku_cnt: 1, finish_aftersale_sku_cnt: 1, title: '贺卡' },
      { product_id: '10000038912347', sku_id: '2003', sku_cnt: 1, title: '花瓶' },
    ],
  },
};
const pickedUp = { facts: { status: 'out_for_delivery' as const, happenedAt: '2027-02-14T05:00:00Z' } };

describe('WeChat Store shipping on pickup', () => {
  it('ships what is still owed, by the shop, with the rider’s phone to call', () => {
    expect(wechatDeliverySendRequest(order, { ...pickedUp, rider: { riderId: 'r7', name: '王师傅', phone: '137 0000 3333' } })).toEqual({
      order_id: '3705115058471208928',
      delivery_list: [
        {
          delivery_id: 'OTHER',
          waybill_id: '13700003333',
          deliver_type: 1,
          product_infos: [
            { product_id: '10000038912345', sku_id: '2001', product_cnt: 1 },
            { product_id: '10000038912347', sku_id: '2003', product_cnt: 1 },
          ],
        },
      ],
    });
  });

  it('names the order as the waybill when the rider has no phone on record', () => {
    expect(wechatDeliverySendRequest(order, pickedUp).delivery_list[0].waybill_id).toBe('3705115058471208928');
  });

  it('is told nothing but the pickup, and an order already shipped or done is not shipped again', () => {
    expect(() => wechatDeliverySendRequest(order, { facts: { status: 'delivered', happenedAt: '2027-02-14T05:30:00Z' } })).toThrow(RangeError);
    expect(isShipped({ ...order, status: 20 })).toBe(false);
    expect(isShipped({ ...order, status: 30 })).toBe(true);
    expect(isShipped({ ...order, status: 100 })).toBe(true);
    expect(isShipped({ ...order, status: 250 })).toBe(false);
  });
});
