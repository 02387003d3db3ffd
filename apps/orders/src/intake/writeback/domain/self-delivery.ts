import { v5 as uuidV5 } from 'uuid';

/**
 * The shop's own rider on the road with an order of a Chinese platform (商家自配送): the platform
 * is told where the rider is from pickup until the delivery ends, at the rate it takes. Pure, so
 * the window and the throttle are tested without Kafka.
 */

/** How an order event moves the order's self-delivery: the rider is out with it, or no longer. */
export type SelfDeliveryChange =
  { kind: 'started'; riderId?: string; at: string } | { kind: 'ended'; at: string; why: 'delivered' | 'carded' | 'failed' | 'unassigned' | 'cancelled' };

export function selfDeliveryChangeOf(type: string, data: Record<string, unknown>): SelfDeliveryChange | undefined {
  const riderId = typeof data.riderId === 'string' ? data.riderId : undefined;
  switch (type) {
    case 'OutForDelivery':
      return { kind: 'started', riderId, at: String(data.pickedUpAt) };
    // Out again after a card or a failure: a new window, positions from the card's wait are not told.
    case 'DeliveryReattempted':
      return { kind: 'started', riderId, at: String(data.reattemptedAt) };
    case 'OrderDelivered':
      return { kind: 'ended', at: String(data.deliveredAt), why: 'delivered' };
    case 'DeliveryCarded':
      return { kind: 'ended', at: String(data.cardedAt), why: 'carded' };
    case 'DeliveryFailed':
      return { kind: 'ended', at: String(data.failedAt), why: 'failed' };
    case 'RiderUnassigned':
      return { kind: 'ended', at: String(data.unassignedAt), why: 'unassigned' };
    case 'OrderCancelled':
      return { kind: 'ended', at: String(data.cancelledAt), why: 'cancelled' };
    default:
      return undefined;
  }
}

/** An order's self-delivery as the position consumer sees it. */
export interface SelfDeliveryWindow {
  /** Pickup (or the reattempt): positions recorded before it are from the way to the shop. */
  startedAt: string;
  /** Set once delivered, carded, failed, unassigned or cancelled: nothing more is told after it. */
  endedAt?: string;
  /** The position last queued for this order, when the rider's phone took it. */
  lastPositionAt?: string;
}

export type PositionDecision = { queue: true } | { queue: false; why: 'delivery_ended' | 'before_pickup' | 'not_newer' | 'too_soon' };

/**
 * Whether a rider's position is told for one order: while the delivery is on, recorded after
 * pickup, and at least `intervalMs` after the last position told (the platform's rate; 0 or
 * undefined: every position). Compared on the phone's clock (`recordedAt`), never on when it
 * reached us, so a backlog read late is thinned as it was recorded, and a position delivered
 * again (as old as the last one told) is never told twice.
 */
export function positionDecision(recordedAt: string, delivery: SelfDeliveryWindow, intervalMs: number | undefined): PositionDecision {
  // Ended is ended whatever the phone's clock says: a position told after "delivered" would put
  // the rider back on the road on the buyer's screen.
  if (delivery.endedAt !== undefined) return { queue: false, why: 'delivery_ended' };
  const at = Date.parse(recordedAt);
  if (at < Date.parse(delivery.startedAt)) return { queue: false, why: 'before_pickup' };
  if (delivery.lastPositionAt === undefined) return { queue: true };
  const last = Date.parse(delivery.lastPositionAt);
  if (at <= last) return { queue: false, why: 'not_newer' };
  if (at - last < (intervalMs ?? 0)) return { queue: false, why: 'too_soon' };
  return { queue: true };
}

/**
 * The interval positions of one platform are told at: the setting when it is set (for tests, and
 * shops whose platform account allows another rate), else the connector's.
 */
export function positionIntervalOf(connectorIntervalMs: number | undefined, configuredMs: number | undefined): number | undefined {
  return configuredMs ?? connectorIntervalMs;
}

/** RFC 4122 §4.3 name space of our rider positions (a random UUID, fixed here forever). */
const POSITION_NAMESPACE = '3c9a6a53-5b0e-4a43-9f4e-2a61c7f1d0b8';

/**
 * The event id of a rider's position: a name-based UUID (version 5) of the rider and the moment
 * their phone took it. positions carry no id of their own on riders.locations, and the same
 * position read twice (a redelivery, a rebalance) must make the same id, so the write-back's
 * key (order, event) takes it once.
 */
export function positionEventId(riderId: string, recordedAt: string): string {
  return uuidV5(`${riderId}@${new Date(recordedAt).toISOString()}`, POSITION_NAMESPACE);
}
