import {
  advanceOrderLifecycle,
  type DispatchIntegrationEvent,
  type GeoPoint,
  type OrderLifecycle,
  type OrderLifecycleEvent,
  placedOrderLifecycle,
  type RecipientContact,
} from '@petalpost/contracts';

/** Dispatch's prediction of when the order arrives (the one dispatch event the page shows). */
export type EtaUpdated = Extract<DispatchIntegrationEvent, { type: 'EtaUpdated' }>;

/**
 * What the tracking page knows of an order: a row of tracked_orders. The rider and the recipient's
 * person id and destination are kept to serve the page, never shown on it (see tracking-view.ts).
 */
export interface TrackedOrder extends OrderLifecycle {
  eta: string | null;
  arrangementPhotoRef: string | null;
  proofPhotoRef: string | null;
  /** The recipient's first name only: the link may be forwarded. */
  recipientFirstName: string | null;
  recipientPersonId: string | null;
  /** Where the flowers go, to plot the rider against; never sent to the page. */
  destination: GeoPoint | null;
}

/** An order event as the projection applies it: the contract's data and its place in the order's stream. */
export type TrackedOrderEvent = OrderLifecycleEvent;

/** Whether the tracking projection has been told this person is erased. */
export type IsErased = (personId: string) => boolean;

/** "Alex Recipient" → "Alex": enough to recognise the order, not enough to find the person. */
export function firstNameOf(name: string): string | null {
  const first = name.trim().split(/\s+/)[0] ?? '';
  return first.length > 0 ? first.slice(0, 40) : null;
}

function recipientOf(
  personId: string | null,
  contact: RecipientContact | null,
  isErased: IsErased,
): Pick<TrackedOrder, 'recipientFirstName' | 'recipientPersonId' | 'destination'> {
  if (contact === null || (personId !== null && isErased(personId))) return { recipientPersonId: personId, recipientFirstName: null, destination: null };
  return { recipientPersonId: personId, recipientFirstName: firstNameOf(contact.name), destination: contact.address.geo ?? null };
}

/**
 * The row after one more event of its order (undefined: no row). The order's status, rider, window
 * and delivery follow its lifecycle (libs/contracts); this adds what the page shows besides. An
 * order placed before the projection started stays untracked; a redelivered or older event
 * changes nothing.
 */
export function evolveTrackedOrder(order: TrackedOrder | undefined, event: TrackedOrderEvent, isErased: IsErased = () => false): TrackedOrder | undefined {
  if (event.type === 'OrderPlaced') {
    if (order) return order;
    const { data } = event;
    return {
      ...placedOrderLifecycle(event),
      eta: null,
      arrangementPhotoRef: null,
      proofPhotoRef: null,
      ...recipientOf(data.recipientPersonId, data.recipient, isErased),
    };
  }
  if (!order) return undefined;
  const moved = advanceOrderLifecycle(order, event);
  return moved === order ? order : { ...moved, ...pageChanges(event, isErased) };
}

/** What an event changes of the page besides the lifecycle. */
function pageChanges(event: TrackedOrderEvent, isErased: IsErased): Partial<TrackedOrder> {
  switch (event.type) {
    case 'ArrangementPhotoAttached':
      // The latest photo is the finished arrangement the customer sees.
      return { arrangementPhotoRef: event.data.photoRef };
    case 'OrderDelivered':
      return { proofPhotoRef: event.data.proof.photoRef ?? null, eta: null };
    case 'OrderCancelled':
    case 'DeliveryCarded':
    case 'DeliveryFailed':
    case 'DeliveryRescheduled':
    case 'OrderReturned':
      // A new attempt, or none, needs a new prediction.
      return { eta: null };
    case 'DeliveryAddressCorrected':
      return recipientOf(event.data.recipientPersonId, event.data.recipient, isErased);
    default:
      return {};
  }
}

/** Dispatch's prediction counts only while the flowers are still to arrive. */
export function withEta(order: TrackedOrder, event: EtaUpdated): TrackedOrder {
  if (!['accepted', 'in_production', 'ready', 'out_for_delivery'].includes(order.status)) return order;
  return order.eta === event.data.eta ? order : { ...order, eta: event.data.eta };
}

/** What forgetting the recipient leaves on their orders. */
export const ERASED_RECIPIENT = { recipientFirstName: null, destination: null } as const satisfies Partial<TrackedOrder>;
