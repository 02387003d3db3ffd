import { type OrderLifecycleEvent, orderLifecycleChange, type OrderStatus, type RecipientContact } from '@petalpost/contracts';
import type { Delivery, DeliveryStatus } from './delivery.entity';

/** An order event as the board applies it: the contract's data and its place in the order's stream. */
export type DeliveryEvent = OrderLifecycleEvent;

/** Whether dispatch has been told this person is erased (PersonalDataErased came first). */
export type IsErased = (personId: string) => boolean;

type RecipientColumns = Pick<
  Delivery,
  | 'recipientPersonId'
  | 'recipientErased'
  | 'recipientName'
  | 'recipientPhone'
  | 'recipientPhoneExpiresAt'
  | 'addressText'
  | 'addressLat'
  | 'addressLng'
  | 'addressWard'
  | 'addressRoom'
  | 'addressNotes'
>;

/** What an erasure leaves of a recipient: who it was (an id), and that they are forgotten. */
export const ERASED_RECIPIENT: Omit<RecipientColumns, 'recipientPersonId'> = {
  recipientErased: true,
  recipientName: null,
  recipientPhone: null,
  recipientPhoneExpiresAt: null,
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
    recipientPhoneExpiresAt: contact?.phone && contact.phoneExpiresAt ? new Date(contact.phoneExpiresAt) : null,
    addressText: contact?.address.text ?? null,
    addressLat: contact?.address.geo?.lat ?? null,
    addressLng: contact?.address.geo?.lng ?? null,
    addressWard: contact?.address.ward ?? null,
    addressRoom: contact?.address.room ?? null,
    addressNotes: contact?.address.notes ?? null,
  };
}

/** The board's column for an order's status; production is not the board's concern, so it leaves the column as it was. */
const BOARD_STATUS: Record<Exclude<OrderStatus, 'in_production'>, DeliveryStatus> = {
  placed: 'awaiting_acceptance',
  accepted: 'awaiting_assignment',
  rejected: 'rejected',
  ready: 'ready_for_pickup',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  carded: 'carded',
  delivery_failed: 'failed',
  returned: 'returned',
  cancelled: 'cancelled',
};

/**
 * The board's row after one more event of its order (undefined: no row). OrderPlaced makes the
 * row; an order the board never saw placed (it predates the board) stays off it. An event the row
 * already reflects — a redelivery — changes nothing. Status, rider and window follow the order's
 * lifecycle (libs/contracts); a rescheduled order is back on the shelf for a new run.
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
      bouquets: Math.max(
        1,
        data.items.reduce((sum, item) => sum + item.quantity, 0),
      ),
      riderId: null,
      deliveredAt: null,
      ...recipientColumns(data.recipientPersonId, data.recipient, isErased),
      orderVersion: event.streamVersion,
    };
  }
  if (!delivery || event.streamVersion <= delivery.orderVersion) return delivery;
  const lifecycle = orderLifecycleChange(event);
  // A person's event, not this order's (its version counts another stream): the projection erases by person.
  if (lifecycle === undefined) return delivery;
  const changes: Partial<Delivery> = {};
  if (lifecycle.status !== undefined && lifecycle.status !== 'in_production') changes.status = BOARD_STATUS[lifecycle.status];
  if (lifecycle.riderId !== undefined) changes.riderId = lifecycle.riderId;
  if (lifecycle.window) Object.assign(changes, windowOf(lifecycle.window));
  if (lifecycle.deliveredAt !== undefined) changes.deliveredAt = new Date(lifecycle.deliveredAt);
  if (event.type === 'DeliveryAddressCorrected') {
    Object.assign(changes, { addressType: event.data.addressType, ...recipientColumns(event.data.recipientPersonId, event.data.recipient, isErased) });
  }
  return { ...delivery, ...changes, orderVersion: event.streamVersion };
}

function windowOf(window: { from: string; to: string }): Pick<Delivery, 'windowFrom' | 'windowTo'> {
  return { windowFrom: new Date(window.from), windowTo: new Date(window.to) };
}

/** The person an event names as the recipient, if it names one. */
export function recipientPersonIn(event: DeliveryEvent): string | null {
  return event.type === 'OrderPlaced' || event.type === 'DeliveryAddressCorrected' ? event.data.recipientPersonId : null;
}
