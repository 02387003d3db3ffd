import { DISPATCH_EVENT_CONTRACTS, type DispatchIntegrationEvent, type IntegrationEvent, ORDER_COMMAND_CONTRACTS } from '@petalpost/contracts';
import { relayedOrderCommand, type StoredEvent } from '@petalpost/event-store';
import { headersFor, type OutgoingMessage } from '@petalpost/kafka';

const contractOf = new Map<string, (typeof DISPATCH_EVENT_CONTRACTS)[number]>(DISPATCH_EVENT_CONTRACTS.map((c) => [c.type, c]));

/**
 * A dispatch event as published on `dispatch.events`, keyed by what it is about: the order (so it
 * stays in order with the order's own events), else the rider, else the shop.
 */
export function toDispatchMessage(stored: StoredEvent): OutgoingMessage {
  const contract = contractOf.get(stored.type);
  if (!contract) throw new Error(`${stored.type} is not a dispatch event`);
  const data = stored.data as { orderId?: string; riderId?: string; shopId: string };
  const integration: IntegrationEvent = {
    eventId: stored.eventId,
    type: stored.type,
    schemaVersion: contract.version,
    streamId: stored.streamId,
    streamVersion: stored.streamVersion,
    shopId: data.shopId,
    // Validated on the way out: what crosses Kafka is the contract, never whatever the log holds.
    data: contract.schema.parse(stored.data),
    metadata: stored.metadata,
  };
  return { key: data.orderId ?? data.riderId ?? data.shopId, value: integration, headers: headersFor(integration) };
}

/** The command the orders service must receive for a decision (its id is the event's). */
export function toOrderCommand(stored: StoredEvent): OutgoingMessage | undefined {
  const event = stored as StoredEvent & DispatchIntegrationEvent;
  switch (event.type) {
    case 'AssignmentRequested':
      return relayedOrderCommand(stored, event.data, 'dispatch', 'AssignRider', ORDER_COMMAND_CONTRACTS.AssignRider[1].parse({ riderId: event.data.riderId }));
    case 'UnassignmentRequested': {
      const { riderId, reason } = event.data;
      return relayedOrderCommand(stored, event.data, 'dispatch', 'UnassignRider', ORDER_COMMAND_CONTRACTS.UnassignRider[1].parse({ riderId, ...(reason ? { reason } : {}) }));
    }
    default:
      return undefined;
  }
}
