import { type OrderLifecycleEvent, orderLifecycleChange, type RecipientContact } from '@petalpost/contracts';
import geohash from 'ngeohash';

/** An order event as the demand history applies it: the contract's data and its place in the order's stream. */
export type DemandEvent = OrderLifecycleEvent;

/** Whether the demand history has been told this person is erased (PersonalDataErased came first). */
export type IsErased = (personId: string) => boolean;

/**
 * 7 characters: a cell of ≈153 × 153 m at the equator, ≈153 × 95 m at 52° N — a hospital, a
 * block of streets. Coarser areas are prefixes of it, so one stored cell serves every grid.
 */
export const AREA_PRECISION = 7;

/** One order as demand: where and when it wanted delivering, and whether it was called off. */
export interface DemandOrder {
  orderId: string;
  shopId: string;
  /** When the delivery is wanted (the window's start): what riders are scheduled for. */
  windowFrom: string;
  /** The geohash cell of the delivery address; null without coordinates, or once the recipient is erased. */
  area: string | null;
  /** So that erasing the recipient can find the area to forget. */
  recipientPersonId: string | null;
  /** Cancelled or rejected: it never needed a rider (orders cannot be cancelled once they left the shop). */
  cancelled: boolean;
  /** The order stream's version last applied here: older or repeated events change nothing. */
  orderVersion: number;
}

/**
 * The order's demand after one more of its events (undefined: no row). OrderPlaced makes the row;
 * an order never seen placed stays out. Moving the window moves the order's demand (a reschedule
 * after a failed attempt too: one order counts once, at the window it was last wanted for).
 */
export function evolveDemandOrder(order: DemandOrder | undefined, event: DemandEvent, isErased: IsErased = () => false): DemandOrder | undefined {
  if (event.type === 'OrderPlaced') {
    if (order) return order;
    const data = event.data;
    return {
      orderId: data.orderId,
      shopId: data.shopId,
      windowFrom: data.deliveryWindow.from,
      area: areaOf(data.recipientPersonId, data.recipient, isErased),
      recipientPersonId: data.recipientPersonId,
      cancelled: false,
      orderVersion: event.streamVersion,
    };
  }
  if (!order || event.streamVersion <= order.orderVersion) return order;
  const changes: Partial<DemandOrder> = {};
  const lifecycle = orderLifecycleChange(event);
  if (lifecycle?.status === 'cancelled' || lifecycle?.status === 'rejected') changes.cancelled = true;
  if (lifecycle?.window) changes.windowFrom = lifecycle.window.from;
  if (event.type === 'DeliveryAddressCorrected') {
    changes.area = areaOf(event.data.recipientPersonId, event.data.recipient, isErased);
    changes.recipientPersonId = event.data.recipientPersonId;
  }
  // Nothing kept here changes, so nothing is written: a redelivered older event is still refused,
  // since every event that does change the row records its version. An erasure is a person's
  // event, not this order's: the projection forgets by person.
  if (Object.keys(changes).length === 0) return order;
  return { ...order, ...changes, orderVersion: event.streamVersion };
}

/** The address's cell; none when the recipient is erased (the cell of a home points at the person) or has no coordinates. */
function areaOf(personId: string | null, recipient: RecipientContact | null, isErased: IsErased): string | null {
  const geo = recipient?.address.geo;
  if (!geo || (personId !== null && isErased(personId))) return null;
  return geohash.encode(geo.lat, geo.lng, AREA_PRECISION);
}

/** The person an event names as the recipient, if it names one. */
export function recipientPersonIn(event: DemandEvent): string | null {
  return event.type === 'OrderPlaced' || event.type === 'DeliveryAddressCorrected' ? event.data.recipientPersonId : null;
}
