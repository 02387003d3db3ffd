import type { IntegrationEvent } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import type { OrderEvent } from '../domain/order.events';

/**
 * What of the order's log is published on `orders.events`, and in which contract shape.
 * Today each internal event maps one to one onto its v1 contract.
 */
export function toIntegrationEvent(stored: StoredEvent): IntegrationEvent {
  const event = stored as unknown as StoredEvent<OrderEvent['type'], OrderEvent['data']>;
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: 1,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    shopId: event.data.shopId,
    data: event.data,
    metadata: event.metadata,
  };
}
