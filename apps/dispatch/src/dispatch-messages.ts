import { createEventEncoder, DISPATCH_EVENT_CONTRACTS, type DispatchIntegrationEvent, ORDER_COMMAND_CONTRACTS } from '@petalpost/contracts';
import { relayedOrderCommand, type StoredEvent } from '@petalpost/event-store';
import { headersFor, type OutgoingMessage } from '@petalpost/kafka';

const encode = createEventEncoder(DISPATCH_EVENT_CONTRACTS);

/**
 * A dispatch event as published on `dispatch.events`, keyed by what it is about: the order (so it
 * stays in order with the order's own events), else the rider, else the shop.
 */
export function toDispatchMessage(stored: StoredEvent): OutgoingMessage {
  const integration = encode(stored, stored.data);
  const data = integration.data as { orderId?: string; riderId?: string; shopId: string };
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
      return relayedOrderCommand(
        stored,
        event.data,
        'dispatch',
        'UnassignRider',
        ORDER_COMMAND_CONTRACTS.UnassignRider[1].parse({ riderId, ...(reason ? { reason } : {}) }),
      );
    }
    default:
      return undefined;
  }
}
