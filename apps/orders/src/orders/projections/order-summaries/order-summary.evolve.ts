import type { OrderStatus, OrderType } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import type { OrderEvent } from '../../domain/order.events';
import type { Sealed } from '../../../personal-data/domain/personal-data';

/** One row of `order_summaries`: an order as the shop's lists show it. */
export interface OrderSummary {
  orderId: string;
  shopId: string;
  status: OrderStatus;
  reference: string | null;
  orderType: OrderType;
  windowFrom: string;
  windowTo: string;
  deadline: string | null;
  placedAt: string;
  /** When the order last changed, as its events tell it (not when the row was written). */
  updatedAt: string;
  /** The order stream's version: the same number GET /orders/:id answers as its ETag. */
  version: number;
  /** Pieces to prepare: the sum of the lines' quantities. */
  itemCount: number;
  riderId: string | null;
  /** When it was delivered: its rider still lists it for the grace period after. */
  deliveredAt: string | null;
  /** null when erased (recipientErased) or not recorded. */
  recipientName: string | null;
  recipientErased: boolean;
  recipientPersonId: string | null;
  openExceptions: number;
  paid: boolean;
}

export type SummaryEvent = Pick<StoredEvent, 'type' | 'data' | 'streamVersion'>;

/** The recipient's name behind a sealed value, opened by the caller: "erased" once the key is gone. */
export type NameOf = (recipient: Sealed) => string | 'erased';

const STATUS_OF: Partial<Record<OrderEvent['type'], OrderStatus>> = {
  OrderAccepted: 'accepted',
  OrderRejected: 'rejected',
  OrderCancelled: 'cancelled',
  ProductionStarted: 'in_production',
  ArrangementFinished: 'ready',
  OutForDelivery: 'out_for_delivery',
  OrderDelivered: 'delivered',
  DeliveryCarded: 'carded',
  DeliveryReattempted: 'out_for_delivery',
  DeliveryFailed: 'delivery_failed',
  DeliveryRescheduled: 'ready',
  OrderReturned: 'returned',
};

/** When the event happened: each event names its time in its own words (acceptedAt, cardedAt …). */
function occurredAt(event: OrderEvent): string {
  const data = event.data as Record<string, unknown>;
  const key = Object.keys(data).find((k) => k.endsWith('At') && typeof data[k] === 'string');
  return key ? String(data[key]) : '';
}

function recipientOf(recipient: Sealed | undefined, nameOf: NameOf) {
  const name = recipient ? nameOf(recipient) : null;
  return { recipientName: name === 'erased' ? null : name, recipientErased: name === 'erased', recipientPersonId: recipient?.personId ?? null };
}

/**
 * The summary after one more event of its order (undefined: no row). Pure, so a rebuild gives
 * the same rows as the live projection. An event the row already reflects changes nothing.
 */
export function evolveSummary(summary: OrderSummary | undefined, stored: SummaryEvent, nameOf: NameOf): OrderSummary | undefined {
  if (summary && stored.streamVersion <= summary.version) return summary;
  const event = stored as unknown as OrderEvent;
  const version = stored.streamVersion;
  if (event.type === 'OrderPlaced') {
    if (summary) return summary;
    const { orderId, shopId, reference, orderType, items, deliveryWindow, deadline, placedAt, recipient, paid } = event.data;
    return {
      orderId,
      shopId,
      status: 'placed',
      reference: reference ?? null,
      orderType,
      windowFrom: deliveryWindow.from,
      windowTo: deliveryWindow.to,
      deadline: deadline ?? null,
      placedAt,
      updatedAt: placedAt,
      version,
      itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
      riderId: null,
      deliveredAt: null,
      ...recipientOf(recipient, nameOf),
      openExceptions: 0,
      paid,
    };
  }
  if (!summary) return undefined;
  const next: OrderSummary = { ...summary, version, updatedAt: occurredAt(event) || summary.updatedAt, status: STATUS_OF[event.type] ?? summary.status };
  switch (event.type) {
    case 'OrderCancelled':
    case 'OrderReturned':
    case 'DeliveryRescheduled':
      return {
        ...next,
        riderId: null,
        ...(event.type === 'DeliveryRescheduled' ? { windowFrom: event.data.deliveryWindow.from, windowTo: event.data.deliveryWindow.to } : {}),
      };
    case 'RiderAssigned':
    case 'OutForDelivery':
      return { ...next, riderId: event.data.riderId };
    case 'RiderUnassigned':
      return { ...next, riderId: null };
    case 'OrderDelivered':
      return { ...next, deliveredAt: event.data.deliveredAt };
    case 'DeliveryWindowChanged':
      return { ...next, windowFrom: event.data.deliveryWindow.from, windowTo: event.data.deliveryWindow.to };
    case 'DeliveryAddressCorrected':
      return { ...next, ...recipientOf(event.data.recipient, nameOf) };
    case 'OrderExceptionFlagged':
      return { ...next, openExceptions: next.openExceptions + 1 };
    case 'OrderExceptionCleared':
      return { ...next, openExceptions: Math.max(0, next.openExceptions - 1) };
    case 'OrderPaid':
      return { ...next, paid: true };
    default:
      // Including types newer than this projection: the row keeps the stream's version.
      return next;
  }
}
