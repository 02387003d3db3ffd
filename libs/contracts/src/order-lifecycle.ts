import { exhaustive } from './exhaustive';
import { type DeliveryWindow, ORDER_EVENT_CONTRACTS, type OrderIntegrationEvent, type OrderStatus } from './orders';

/**
 * The order's public lifecycle as `orders.events` tells it: its status, its rider now, its window,
 * when it was delivered. Every service that follows orders keeps these facts; this is the one
 * place that reads them off the events, so they agree on what "the rider now" means.
 */

/** An order event as a follower applies it: the contract's data and its place in the order's stream. */
export type OrderLifecycleEvent = OrderIntegrationEvent & { streamVersion: number };

/** What one event says of the lifecycle. A field left out is unchanged by the event. */
export interface OrderLifecycleChange {
  /** The status the order reached, and when. */
  status?: OrderStatus;
  at?: string;
  /** The rider from now on: null once the order has none. */
  riderId?: string | null;
  window?: DeliveryWindow;
  deliveredAt?: string;
}

/**
 * What an order event changes of the lifecycle; undefined for an event that is not the order's own
 * (an erasure is keyed by person). The rider follows the orders service: set by assignment and
 * pickup, freed by unassignment, cancelling, returning and rescheduling; a delivered order keeps
 * the rider who delivered it.
 */
export function orderLifecycleChange(event: OrderIntegrationEvent): OrderLifecycleChange | undefined {
  switch (event.type) {
    case 'OrderPlaced':
      return { status: 'placed', at: event.data.placedAt, riderId: null, window: event.data.deliveryWindow };
    case 'OrderAccepted':
      return { status: 'accepted', at: event.data.acceptedAt };
    case 'OrderRejected':
      return { status: 'rejected', at: event.data.rejectedAt };
    case 'OrderCancelled':
      return { status: 'cancelled', at: event.data.cancelledAt, riderId: null };
    case 'ProductionStarted':
      return { status: 'in_production', at: event.data.startedAt };
    case 'ArrangementFinished':
      return { status: 'ready', at: event.data.finishedAt };
    case 'RiderAssigned':
      return { riderId: event.data.riderId };
    case 'RiderUnassigned':
      return { riderId: null };
    case 'OutForDelivery':
      return { status: 'out_for_delivery', at: event.data.pickedUpAt, riderId: event.data.riderId };
    case 'OrderDelivered':
      return { status: 'delivered', at: event.data.deliveredAt, deliveredAt: event.data.deliveredAt };
    case 'DeliveryCarded':
      return { status: 'carded', at: event.data.cardedAt };
    case 'DeliveryReattempted':
      return { status: 'out_for_delivery', at: event.data.reattemptedAt };
    case 'DeliveryFailed':
      return { status: 'delivery_failed', at: event.data.failedAt };
    case 'DeliveryRescheduled':
      // Back on the shelf for a new run, which may go with another rider.
      return { status: 'ready', at: event.data.rescheduledAt, riderId: null, window: event.data.deliveryWindow };
    case 'OrderReturned':
      return { status: 'returned', at: event.data.returnedAt, riderId: null };
    case 'DeliveryWindowChanged':
      return { window: event.data.deliveryWindow };
    case 'OrderPaid':
    case 'ArrangementPhotoAttached':
    case 'DeliveryAddressCorrected':
    case 'OrderExceptionFlagged':
    case 'OrderExceptionCleared':
      return {};
    case 'PersonalDataErased':
      return undefined;
    default:
      return exhaustive(event);
  }
}

const ORDER_EVENT_TYPES: ReadonlySet<string> = new Set(ORDER_EVENT_CONTRACTS.map((c) => c.type));

/** Whether an event of any topic is one of `orders.events`' types (for readers of every topic at once). */
export function isOrderEvent<E extends { type: string }>(event: E): event is E & OrderIntegrationEvent {
  return ORDER_EVENT_TYPES.has(event.type);
}

/** An order's lifecycle facts, as of the last event of its stream applied (`version`). */
export interface OrderLifecycle {
  orderId: string;
  shopId: string;
  status: OrderStatus;
  /** When each status was last reached. */
  reachedAt: Partial<Record<OrderStatus, string>>;
  window: DeliveryWindow;
  deadline: string | null;
  riderId: string | null;
  deliveredAt: string | null;
  version: number;
}

/** The facts of an order just placed. */
export function placedOrderLifecycle(event: Extract<OrderLifecycleEvent, { type: 'OrderPlaced' }>): OrderLifecycle {
  const { data } = event;
  return {
    orderId: data.orderId,
    shopId: data.shopId,
    status: 'placed',
    reachedAt: { placed: data.placedAt },
    window: data.deliveryWindow,
    deadline: data.deadline ?? null,
    riderId: null,
    deliveredAt: null,
    version: event.streamVersion,
  };
}

/**
 * `order` after one more event of its stream, the fields this module does not own kept. An event
 * the facts already reflect (a redelivery, an older one, OrderPlaced again) or one of another
 * stream returns `order` itself, so a caller can tell that nothing changed.
 */
export function advanceOrderLifecycle<T extends OrderLifecycle>(order: T, event: OrderLifecycleEvent): T {
  if (event.streamVersion <= order.version) return order;
  const change = event.type === 'OrderPlaced' ? undefined : orderLifecycleChange(event);
  if (change === undefined) return order;
  const { status, at, ...rest } = change;
  const reached = status !== undefined && at !== undefined ? { status, reachedAt: { ...order.reachedAt, [status]: at } } : {};
  return { ...order, ...rest, ...reached, version: event.streamVersion };
}

/** The whole fold (undefined: not followed): OrderPlaced starts it, and an order never seen placed stays unfollowed. */
export function evolveOrderLifecycle(order: OrderLifecycle | undefined, event: OrderLifecycleEvent): OrderLifecycle | undefined {
  if (order === undefined) return event.type === 'OrderPlaced' ? placedOrderLifecycle(event) : undefined;
  return advanceOrderLifecycle(order, event);
}

/** Ended without the flowers arriving: nobody rides it any more. */
export function endedUndelivered(status: OrderStatus): boolean {
  return status === 'rejected' || status === 'cancelled' || status === 'returned';
}
