import { randomUUID } from 'node:crypto';
import type { EventMetadata, IntegrationEvent } from '@petalpost/contracts';
import type { NewEvent, StoredEvent } from '@petalpost/event-store';

/** An OrderPlaced-sized payload (about 330 bytes of JSON), different on every call. */
export function orderPlacedData(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const orderId = randomUUID();
  return {
    orderId,
    shopId: 's1',
    reference: `PP-${orderId.slice(0, 8).toUpperCase()}`,
    items: [
      { sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 },
      { sku: 'CARD-VAL', name: "Valentine's card", quantity: 1 },
    ],
    deliveryWindow: { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' },
    placedAt: '2026-02-14T10:00:00.000Z',
    ...extra,
  };
}

/** Metadata as the services write it (about 170 bytes of JSON). */
export function benchMetadata(): EventMetadata {
  return {
    correlationId: randomUUID(),
    causationId: randomUUID(),
    actor: { role: 'staff', subject: 'alice', shopId: 's1' },
    occurredAt: '2026-02-14T10:00:00.000Z',
  };
}

export function newEvents(n: number, extra?: Record<string, unknown>): NewEvent[] {
  return Array.from({ length: n }, () => ({ type: 'OrderPlaced', schemaVersion: 1, data: orderPlacedData(extra) }));
}

export const streamId = (): string => `order-${randomUUID()}`;

export const STREAM_TYPE = 'order';

/** A stored bench event as the relay publishes it: every bench order belongs to shop s1. */
export const toIntegrationEvent = (e: StoredEvent): IntegrationEvent => ({
  eventId: e.eventId,
  type: e.type,
  schemaVersion: e.schemaVersion,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  shopId: 's1',
  data: e.data,
  metadata: e.metadata,
});
