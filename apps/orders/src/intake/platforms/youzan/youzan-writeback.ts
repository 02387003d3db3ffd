import type { WritebackStatus } from '../../writeback/domain/writeback-plan';
import { wgs84ToGcj02 } from '../coordinates';
import type { PlatformStatus } from '../platform-connector';

/**
 * The shop's own delivery told to Youzan: `youzan.retail.open.update.localDeliveryStatus` 1.0.0,
 * "同城配送订单状态和骑手位置同步 … 仅针对商家自有配送" (youzanyun API list). Youzan publishes no
 * parameters for it anywhere we could read, so this request is our design from its description and
 * Youzan's naming elsewhere — every field name and status code below is (verify) against the API's
 * page in the youzanyun console before a shop relies on it. It is built in one place so that
 * correcting it is one change.
 */
export const YOUZAN_LOCAL_DELIVERY_API = { method: 'youzan.retail.open.update.localDeliveryStatus', version: '1.0.0' } as const;

/** What Youzan is told, in the order it happens. A card left (carded) has no local-delivery state of its own: the next step is told. */
export const YOUZAN_STATUSES = ['rider_assigned', 'out_for_delivery', 'location', 'delivered', 'failed'] as const satisfies readonly WritebackStatus[];

/** Local-delivery states (verify): 2 rider on the way to the shop, 3 on the way to the recipient, 4 delivered, 5 failed. */
const STATE: Record<(typeof YOUZAN_STATUSES)[number], number> = {
  rider_assigned: 2,
  out_for_delivery: 3,
  location: 3,
  delivered: 4,
  failed: 5,
};

export interface YouzanLocalDeliveryRequest {
  /** The trade (tid, `E2027…`). */
  order_no: string;
  kdt_id: number;
  delivery_status: number;
  /** When it happened, epoch milliseconds. */
  update_time: number;
  rider_name?: string;
  rider_phone?: string;
  /** GCJ-02, six decimals (about 0.1 m). */
  longitude?: number;
  latitude?: number;
}

export function isYouzanStatus(status: WritebackStatus): status is (typeof YOUZAN_STATUSES)[number] {
  return (YOUZAN_STATUSES as readonly string[]).includes(status);
}

/**
 * The request for one status of one trade. The rider (name, phone) goes with every state from
 * assignment on, so the buyer sees who brings the flowers; a position goes out as GCJ-02.
 */
export function youzanLocalDeliveryRequest(tid: string, kdtId: string, status: PlatformStatus): YouzanLocalDeliveryRequest {
  const { facts, rider } = status;
  if (!isYouzanStatus(facts.status)) throw new RangeError(`Youzan is not told ${facts.status}`);
  if (!/^\d+$/.test(kdtId)) throw new RangeError(`not a Youzan shop id (kdt_id): ${kdtId}`);
  const at = Date.parse(facts.happenedAt);
  if (Number.isNaN(at)) throw new RangeError(`not a time: ${facts.happenedAt}`);
  if (facts.status === 'location' && facts.position === undefined) throw new RangeError('a location without a position');
  const point = facts.position ? wgs84ToGcj02(facts.position) : undefined;
  return {
    order_no: tid,
    kdt_id: Number(kdtId),
    delivery_status: STATE[facts.status],
    update_time: at,
    ...(rider ? { rider_name: rider.name, ...(rider.phone ? { rider_phone: rider.phone } : {}) } : {}),
    ...(point ? { longitude: point.lng, latitude: point.lat } : {}),
  };
}
