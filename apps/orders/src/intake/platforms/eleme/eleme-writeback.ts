import type { WritebackStatus } from '../../writeback/domain/writeback-plan';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformStatus } from '../platform-connector';
import type { ElemeResult } from './eleme-envelope';

/**
 * What Ele.me 零售 is told of an order the shop delivers with its own riders (商家自配送), in the
 * order it happens. Ele.me has two tracks for that and a shop must keep to one per order: state
 * and location sync, or `order.sendout` then `order.complete` — the two overwrite each other
 * (meiquan `Api.php`; the `me.ele` retail SDK's `OrderSendoutExecutor`: "与
 * order.selfDeliveryStateSync 接口互斥"). We keep to the first, which shows the buyer the rider and
 * their way on the map; `order.sendout` and `order.complete` are never called.
 *
 * A card left or a failed delivery is not told: the track has no state for them that we could
 * confirm, and the next `out_for_delivery` or `delivered` tells where the order stands.
 */
export const ELEME_STATUSES = [
  'confirmed',
  'prepared',
  'rider_assigned',
  'out_for_delivery',
  'location',
  'delivered',
] as const satisfies readonly WritebackStatus[];

/** `distributor_id` 201: the shop's own riders (商家自配送). */
export const SELF_DELIVERY_DISTRIBUTOR = 201;

/**
 * `selfStatus` of `order.selfDeliveryStateSync`, as meiquan maps its own states (待取货 → 3,
 * 配送中 → 20, 已送达 → 30); verify against Ele.me's field list before going live.
 */
export const SELF_STATUS = { rider_assigned: 3, out_for_delivery: 20, delivered: 30 } as const;

/**
 * Positions at most every 30 s per order: Ele.me publishes no rate we could find; integrations
 * send one every 10–60 s (verify the limit in Ele.me's console).
 */
export const ELEME_POSITION_INTERVAL_MS = 30_000;

/** A GCJ-02 point, as Ele.me takes positions. */
export interface GcjPoint {
  lat: number;
  lng: number;
}

export type ElemeCall =
  | { cmd: 'order.confirm'; body: { order_id: string } }
  | { cmd: 'order.pickcomplete'; body: { order_id: string } }
  | {
      cmd: 'order.selfDeliveryStateSync';
      body: { order_id: string; distributor_id: number; selfStatus: number; knight: { id: string; name: string; phone: string } };
    }
  | {
      cmd: 'order.selfDeliveryLocationSync';
      body: { order_id: string; location: { UTC: number; altitude: number; latitude: number; longitude: number } };
    };

/**
 * The call that tells Ele.me one status of order `orderId`. `toGcj` turns the rider's WGS-84
 * position into what Ele.me takes. A status that needs the rider and has none is retried (dispatch
 * may not have told us of them yet); one Ele.me is not told is refused for good.
 */
export function elemeWriteback(orderId: string, status: PlatformStatus, toGcj: (wgs: { lat: number; lng: number }) => GcjPoint): ElemeCall {
  const { facts, rider } = status;
  switch (facts.status) {
    case 'confirmed':
      return { cmd: 'order.confirm', body: { order_id: orderId } };
    case 'prepared':
      return { cmd: 'order.pickcomplete', body: { order_id: orderId } };
    case 'rider_assigned':
    case 'out_for_delivery':
    case 'delivered': {
      if (rider === undefined) throw new WritebackFailure(`order.selfDeliveryStateSync: the rider of ${facts.status} is not known yet`, true);
      return {
        cmd: 'order.selfDeliveryStateSync',
        body: {
          order_id: orderId,
          distributor_id: SELF_DELIVERY_DISTRIBUTOR,
          selfStatus: SELF_STATUS[facts.status],
          // Our rider id: Ele.me wants one to tell riders apart (verify whether it must be numeric).
          knight: { id: rider.riderId, name: rider.name, phone: rider.phone ?? '' },
        },
      };
    }
    case 'location': {
      if (facts.position === undefined) throw new WritebackFailure('order.selfDeliveryLocationSync: a location without a position', false);
      const gcj = toGcj(facts.position);
      return {
        cmd: 'order.selfDeliveryLocationSync',
        body: {
          order_id: orderId,
          // UTC: Unix seconds of the fix; altitude is not known from the rider's phone and sent as 0.
          location: { UTC: Math.floor(Date.parse(facts.happenedAt) / 1000), altitude: 0, latitude: round6(gcj.lat), longitude: round6(gcj.lng) },
        },
      };
    }
    case 'carded':
    case 'failed':
      throw new WritebackFailure(`Ele.me is not told ${facts.status} (no state on the self-delivery track)`, false);
  }
}

/** About 0.1 m: what a phone's fix is worth, and what Ele.me's examples show. */
function round6(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

/**
 * Whether an Ele.me refusal (errno ≠ 0) may pass on a later attempt. Ele.me's errno list is not
 * public; what its gateway answers when it is busy or limits calls names itself so (系统繁忙, 频率,
 * 限流, 超时, "busy", "limit", "timeout"). Anything else — a wrong sign, an order that is not the
 * shop's, a state the order cannot take — would be refused again: dead at once, for staff to see.
 */
export function isRetryableRefusal(result: ElemeResult): boolean {
  return /繁忙|频繁|频率|限流|超时|稍后|busy|limit|timeout|timed out|try again/i.test(result.error);
}
