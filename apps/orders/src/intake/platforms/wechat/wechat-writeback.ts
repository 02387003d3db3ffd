import type { WritebackStatus } from '../../writeback/domain/writeback-plan';
import type { PlatformStatus } from '../platform-connector';
import type { WechatOrder } from './wechat-order.mapper';

/**
 * What WeChat Store is told of the shop's own delivery: it has no self-delivery track for a
 * store's orders (no rider, state or position call we could find — verify in the store's API list
 * for 同城配送), only shipping (发货): `/channels/ec/order/delivery/send`. So the order is shipped
 * when the rider picks it up, and nothing more is told; the buyer confirms receipt in WeChat (or it
 * confirms itself), which comes back as channels_ec_order_confirm.
 */
export const WECHAT_STATUSES = ['out_for_delivery'] as const satisfies readonly WritebackStatus[];

export interface WechatDeliverySendRequest {
  order_id: string;
  delivery_list: Array<{
    /** A company from the store's delivery-company list; OTHER for one that is not there (the shop's riders) (verify for 同城 orders). */
    delivery_id: string;
    /** The rider's phone, so the buyer who opens the shipment sees whom to call; the order id when the rider has none (verify the format WeChat takes with OTHER). */
    waybill_id: string;
    /** 1: shipped by the shop itself (自寄快递). */
    deliver_type: 1;
    product_infos: Array<{ product_id: string; sku_id: string; product_cnt: number }>;
  }>;
}

/** Shipped or done already: shipping again is refused by WeChat and changes nothing, so it is not asked. */
export function isShipped(order: WechatOrder): boolean {
  return (order.status ?? 0) >= 30 && (order.status ?? 0) < 190;
}

/**
 * The shipping request for a picked-up order: every SKU still owed (bought less refunded after
 * sale) in one parcel, shipped by the shop with the rider as its "waybill".
 */
export function wechatDeliverySendRequest(order: WechatOrder, status: PlatformStatus): WechatDeliverySendRequest {
  if (status.facts.status !== 'out_for_delivery') throw new RangeError(`WeChat Store is not told ${status.facts.status}`);
  if (!order.order_id) throw new RangeError('an order without its id');
  const products = (order.order_detail?.product_infos ?? [])
    .map((p) => ({ product_id: p.product_id ?? '', sku_id: p.sku_id ?? '', product_cnt: (p.sku_cnt ?? 0) - (p.finish_aftersale_sku_cnt ?? 0) }))
    .filter((p) => p.product_id !== '' && p.product_cnt > 0);
  if (products.length === 0) throw new RangeError(`order ${order.order_id} has nothing left to ship`);
  const riderPhone = status.rider?.phone?.replace(/[^\d]/g, '');
  return {
    order_id: order.order_id,
    delivery_list: [{ delivery_id: 'OTHER', waybill_id: riderPhone || order.order_id, deliver_type: 1, product_infos: products }],
  };
}
