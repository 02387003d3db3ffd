import { exhaustive, type OrderIntegrationEvent, type RecipientContact } from '@petalpost/contracts';
import type { Delivery, DeliveryStatus } from './delivery.entity';

/** An order event as the board applies it: the contract's data and its place in the order's stream. */
export type DeliveryEvent = OrderIntegrationEvent & { streamVersion: number };

/** Whether dispatch has been told this person is erased (PersonalDataErased came first). */
export type IsErased = (personId: string) => boolean;

type RecipientColumns = Pick<
  Delivery,
  'recipientPersonId' | 'recipientErased' | 'recipientName' | 'recipientPhone' | 'addressText' | 'addressLat' | 'addressLng' | 'addressWard' | 'addressRoom' | 'addressNotes'
>;

/** What an erasure leaves of a recipient: who it was (an id), and that they are forgotten. */
export const ERASED_RECIPIENT: Omit<RecipientColumns, 'recipientPersonId'> = {
  recipientErased: true,
  recipientName: null,
  recipientPhone: null,
  addressText: null,
  addressLat: null,
  addressLng: null,
  addressWard: null,
  addressRoom: null,
  addressNotes: null,
};

/**
 * The recipient as published: a person whose contact comes as null has been erased (the
 * publisher could not open it); no person at all means an order from before people were recorded.
 */
export function recipientColumns(personId: string | null, contact: RecipientContact | null, isErased: IsErased): RecipientColumns {
  if (personId !== null && (contact === null || isErased(personId))) return { recipientPersonId: personId, ...ERASED_RECIPIENT };
  return {
    recipientPersonId: personId,
    recipientErased: false,
    recipientName: contact?.name ?? null,
    recipientPhone: contact?.phone ?? null,
    addressText: contact?.address.text ?? null,
    addressLat: contact?.address.geo?.lat ?? null,
    addressLng: contact?.address.geo?.lng ?? null,
    addressWard: contact?.address.ward ?? null,
    addressRoom: contact?.address.room ?? null,
    addressNotes: contact?.address.notes ?? null,
  };
}

/**
 * The board's row after one more event of its order (undefined: no row). OrderPlaced makes the
 * row; an order the board never saw placed (it predates the board) stays off it. An event the row
 * already reflects — a redelivery — changes nothing. Rider assignment follows the orders service:
 * cancelling, returning or rescheduling frees the rider; a delivered order stays theirs.
 */
export function evolveDelivery(delivery: Delivery | undefined, event: DeliveryEvent, isErased: IsErased = () => false): Delivery | undefined {
  if (event.type === 'OrderPlaced') {
    if (delivery) return delivery;
    const data = event.data;
    return {
      orderId: data.orderId,
      shopId: data.shopId,
      status: 'awaiting_acceptance',
      windowFrom: new Date(data.deliveryWindow.from),
      windowTo: new Date(data.deliveryWindow.to),
      deadline: data.deadline ? new Date(data.deadline) : null,
      addressType: data.addressType,
      doNotContactRecipient: data.doNotContactRecipient,
      bouquets: Math.max(1, data.items.reduce((sum, item) => sum + item.quantity, 0)),
      riderId: null,
      ...recipientColumns(data.recipientPersonId, data.recipient, isErased),
      orderVersion: event.streamVersion,
    };
  }
  if (!delivery || event.streamVersion <= delivery.orderVersion) return delivery;
  const next = (changes: Partial<Delivery>): Delivery => ({ ...delivery, ...changes, orderVersion: event.streamVersion });
  const moveTo = (status: DeliveryStatus, changes: Partial<Delivery> = {}) => next({ ...changes, status });
  switch (event.type) {
    case 'OrderAccepted':
      return moveTo('awaiting_assignment');
    case 'OrderRejected':
      return moveTo('rejected');
    case 'OrderCancelled':
      return moveTo('cancelled', { riderId: null });
    case 'ArrangementFinished':
      return moveTo('ready_for_pickup');
    case 'RiderAssigned':
      return next({ riderId: event.data.riderId });
    case 'RiderUnassigned':
      return next({ riderId: null });
    case 'OutForDelivery':
      return moveTo('out_for_delivery', { riderId: event.data.riderId });
    case 'DeliveryReattempted':
      return moveTo('out_for_delivery');
    case 'OrderDelivered':
      return moveTo('delivered');
    case 'DeliveryCarded':
      return moveTo('carded');
    case 'DeliveryFailed':
      return moveTo('failed');
    case 'DeliveryRescheduled':
      // Back on the shelf for a new run, which may go with another rider.
      return moveTo('ready_for_pickup', { ...windowOf(event.data.deliveryWindow), riderId: null });
    case 'OrderReturned':
      return moveTo('returned', { riderId: null });
    case 'DeliveryAddressCorrected':
      return next({ addressType: event.data.addressType, ...recipientColumns(event.data.recipientPersonId, event.data.recipient, isErased) });
    case 'DeliveryWindowChanged':
      return next(windowOf(event.data.deliveryWindow));
    case 'OrderPaid':
    case 'ProductionStarted':
    case 'ArrangementPhotoAttached':
    case 'OrderExceptionFlagged':
    case 'OrderExceptionCleared':
      return next({});
    case 'PersonalDataErased':
      // A person's event, not this order's (its version counts another stream): the projection erases by person.
      return delivery;
    default:
      return exhaustive(event);
  }
}

function windowOf(window: { from: string; to: string }): Pick<Delivery, 'windowFrom' | 'windowTo'> {
  return { windowFrom: new Date(window.from), windowTo: new Date(window.to) };
}

/** The person an event names as the recipient, if it names one. */
export function recipientPersonIn(event: DeliveryEvent): string | null {
  return event.type === 'OrderPlaced' || event.type === 'DeliveryAddressCorrected' ? event.data.recipientPersonId : null;
}
