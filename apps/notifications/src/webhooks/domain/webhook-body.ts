import type { IntegrationEvent } from '@petalpost/contracts';

/**
 * What a shop's endpoint receives: the integration event, without our tracing internals. `data`
 * is the event type's current schema version (docs/orders.md lists the order events field by field).
 */
export interface WebhookBody {
  eventId: string;
  type: string;
  schemaVersion: number;
  shopId: string;
  streamId: string;
  streamVersion: number;
  occurredAt: string;
  correlationId: string;
  actor?: { role: string; subject: string };
  data: unknown;
}

export function webhookBodyOf(event: IntegrationEvent): WebhookBody {
  const { actor, occurredAt, correlationId } = event.metadata;
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    shopId: event.shopId,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    occurredAt,
    correlationId,
    ...(actor ? { actor: { role: actor.role, subject: actor.subject } } : {}),
    data: event.data,
  };
}
