import type { OrderStatus } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import type { OrderEvent } from '../../domain/order.events';

/** One row of `order_summaries`: an order as the shop's lists show it. */
export interface OrderSummary {
  orderId: string;
  shopId: string;
  status: OrderStatus;
  reference: string | null;
  windowFrom: string;
  windowTo: string;
  placedAt: string;
  /** When the order last changed, as its events tell it (not when the row was written). */
  updatedAt: string;
  /** The order stream's version: the same number GET /orders/:id answers as its ETag. */
  version: number;
  /** Pieces to prepare: the sum of the lines' quantities. */
  itemCount: number;
}

export type SummaryEvent = Pick<StoredEvent, 'type' | 'data' | 'streamVersion'>;

/**
 * The summary after one more event of its order (undefined: no row). Pure, so a rebuild gives
 * the same rows as the live projection. An event the row already reflects changes nothing.
 */
export function evolveSummary(summary: OrderSummary | undefined, stored: SummaryEvent): OrderSummary | undefined {
  if (summary && stored.streamVersion <= summary.version) return summary;
  const event = stored as unknown as OrderEvent;
  const version = stored.streamVersion;
  switch (event.type) {
    case 'OrderPlaced': {
      if (summary) return summary;
      const { orderId, shopId, reference, items, deliveryWindow, placedAt } = event.data;
      return {
        orderId,
        shopId,
        status: 'placed',
        reference: reference ?? null,
        windowFrom: deliveryWindow.from,
        windowTo: deliveryWindow.to,
        placedAt,
        updatedAt: placedAt,
        version,
        itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
      };
    }
    case 'OrderAccepted':
      return summary && { ...summary, status: 'accepted', updatedAt: event.data.acceptedAt, version };
    case 'OrderCancelled':
      return summary && { ...summary, status: 'cancelled', updatedAt: event.data.cancelledAt, version };
    default:
      // A type newer than this projection: nothing to show yet, but the row keeps the stream's version.
      return summary && { ...summary, version };
  }
}
