import { type DeliveryWindow, type DispatchIntegrationEvent, exhaustive, type GeoPoint, type OrderIntegrationEvent, type OrderStatus, type RecipientContact } from '@petalpost/contracts';

/** Dispatch's prediction of when the order arrives (the one dispatch event the page shows). */
export type EtaUpdated = Extract<DispatchIntegrationEvent, { type: 'EtaUpdated' }>;

/**
 * What the tracking page knows of an order: a row of tracked_orders. The rider and the recipient's
 * person id and destination are kept to serve the page, never shown on it (see tracking-view.ts).
 */
export interface TrackedOrder {
  orderId: string;
  shopId: string;
  status: OrderStatus;
  /** When each status was last reached. */
  reachedAt: Partial<Record<OrderStatus, string>>;
  window: DeliveryWindow;
  deadline: string | null;
  eta: string | null;
  riderId: string | null;
  arrangementPhotoRef: string | null;
  proofPhotoRef: string | null;
  deliveredAt: string | null;
  /** The recipient's first name only: the link may be forwarded. */
  recipientFirstName: string | null;
  recipientPersonId: string | null;
  /** Where the flowers go, to plot the rider against; never sent to the page. */
  destination: GeoPoint | null;
  /** The order's stream version this row reflects. */
  version: number;
}

/** An order event as the projection applies it: the contract's data and its place in the order's stream. */
export type TrackedOrderEvent = OrderIntegrationEvent & { streamVersion: number };

/** Whether the tracking projection has been told this person is erased. */
export type IsErased = (personId: string) => boolean;

/** "Alex Recipient" → "Alex": enough to recognise the order, not enough to find the person. */
export function firstNameOf(name: string): string | null {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 0 ? first.slice(0, 40) : null;
}

function recipientOf(personId: string | null, contact: RecipientContact | null, isErased: IsErased): Pick<TrackedOrder, 'recipientFirstName' | 'recipientPersonId' | 'destination'> {
  if (contact === null || (personId !== null && isErased(personId))) return { recipientPersonId: personId, recipientFirstName: null, destination: null };
  return { recipientPersonId: personId, recipientFirstName: firstNameOf(contact.name), destination: contact.address.geo ?? null };
}

/**
 * The row after one more event of its order (undefined: no row). OrderPlaced makes it; an order
 * placed before the projection started stays untracked. A redelivered or older event changes
 * nothing. The rider follows the orders service: set by assignment and pickup, freed by
 * unassignment, cancelling, returning and rescheduling.
 */
export function evolveTrackedOrder(order: TrackedOrder | undefined, event: TrackedOrderEvent, isErased: IsErased = () => false): TrackedOrder | undefined {
  if (event.type === 'OrderPlaced') {
    if (order) return order;
    const data = event.data;
    return {
      orderId: data.orderId,
      shopId: data.shopId,
      status: 'placed',
      reachedAt: { placed: data.placedAt },
      window: data.deliveryWindow,
      deadline: data.deadline ?? null,
      eta: null,
      riderId: null,
      arrangementPhotoRef: null,
      proofPhotoRef: null,
      deliveredAt: null,
      ...recipientOf(data.recipientPersonId, data.recipient, isErased),
      version: event.streamVersion,
    };
  }
  if (!order || event.streamVersion <= order.version) return order;
  const next = (changes: Partial<TrackedOrder>): TrackedOrder => ({ ...order, ...changes, version: event.streamVersion });
  const moveTo = (status: OrderStatus, at: string, changes: Partial<TrackedOrder> = {}) => next({ ...changes, status, reachedAt: { ...order.reachedAt, [status]: at } });
  switch (event.type) {
    case 'OrderAccepted':
      return moveTo('accepted', event.data.acceptedAt);
    case 'OrderRejected':
      return moveTo('rejected', event.data.rejectedAt);
    case 'OrderCancelled':
      return moveTo('cancelled', event.data.cancelledAt, { riderId: null, eta: null });
    case 'ProductionStarted':
      return moveTo('in_production', event.data.startedAt);
    case 'ArrangementPhotoAttached':
      // The latest photo is the finished arrangement the customer sees.
      return next({ arrangementPhotoRef: event.data.photoRef });
    case 'ArrangementFinished':
      return moveTo('ready', event.data.finishedAt);
    case 'RiderAssigned':
      return next({ riderId: event.data.riderId });
    case 'RiderUnassigned':
      return next({ riderId: null });
    case 'OutForDelivery':
      return moveTo('out_for_delivery', event.data.pickedUpAt, { riderId: event.data.riderId });
    case 'OrderDelivered':
      return moveTo('delivered', event.data.deliveredAt, { deliveredAt: event.data.deliveredAt, proofPhotoRef: event.data.proof.photoRef ?? null, eta: null });
    case 'DeliveryCarded':
      // A new attempt needs a new prediction.
      return moveTo('carded', event.data.cardedAt, { eta: null });
    case 'DeliveryReattempted':
      return moveTo('out_for_delivery', event.data.reattemptedAt);
    case 'DeliveryFailed':
      return moveTo('delivery_failed', event.data.failedAt, { eta: null });
    case 'DeliveryRescheduled':
      return moveTo('ready', event.data.rescheduledAt, { window: event.data.deliveryWindow, riderId: null, eta: null });
    case 'OrderReturned':
      return moveTo('returned', event.data.returnedAt, { riderId: null, eta: null });
    case 'DeliveryAddressCorrected':
      return next(recipientOf(event.data.recipientPersonId, event.data.recipient, isErased));
    case 'DeliveryWindowChanged':
      return next({ window: event.data.deliveryWindow });
    case 'OrderPaid':
    case 'OrderExceptionFlagged':
    case 'OrderExceptionCleared':
      // Nothing the page shows.
      return next({});
    case 'PersonalDataErased':
      // A person's stream, not the order's: the projection applies it to every order of theirs.
      return order;
    default:
      return exhaustive(event);
  }
}

/** Dispatch's prediction counts only while the flowers are still to arrive. */
export function withEta(order: TrackedOrder, event: EtaUpdated): TrackedOrder {
  if (!['accepted', 'in_production', 'ready', 'out_for_delivery'].includes(order.status)) return order;
  return order.eta === event.data.eta ? order : { ...order, eta: event.data.eta };
}

/** What forgetting the recipient leaves on their orders. */
export const ERASED_RECIPIENT = { recipientFirstName: null, destination: null } as const satisfies Partial<TrackedOrder>;
