import {
  DISPATCH_EVENT_CONTRACTS,
  type DispatchIntegrationEvent,
  type IntegrationEvent,
  type OrderCommandMessage,
  OrderCommandMessageSchema,
  ORDER_COMMAND_CONTRACTS,
} from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import { headersFor, HEADERS, type OutgoingMessage } from '@petalpost/kafka';

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

/**
 * The command the orders service must receive for a decision: the command id is the event's id, so
 * publishing the event again (after a relay crash) sends the same command, applied once.
 */
export function toOrderCommand(stored: StoredEvent): OutgoingMessage | undefined {
  const event = stored as StoredEvent & DispatchIntegrationEvent;
  let command: OrderCommandMessage;
  switch (event.type) {
    case 'AssignmentRequested':
      command = { ...envelope(stored, event.data), type: 'AssignRider', data: ORDER_COMMAND_CONTRACTS.AssignRider[1].parse({ riderId: event.data.riderId }) };
      break;
    case 'UnassignmentRequested': {
      const { riderId, reason } = event.data;
      command = { ...envelope(stored, event.data), type: 'UnassignRider', data: ORDER_COMMAND_CONTRACTS.UnassignRider[1].parse({ riderId, ...(reason ? { reason } : {}) }) };
      break;
    }
    default:
      return undefined;
  }
  OrderCommandMessageSchema.parse(command);
  return {
    key: command.orderId,
    value: command,
    headers: {
      [HEADERS.eventId]: command.commandId,
      [HEADERS.eventType]: command.type,
      [HEADERS.schemaVersion]: String(command.schemaVersion),
      [HEADERS.correlationId]: command.metadata.correlationId,
      [HEADERS.causationId]: stored.eventId,
    },
  };
}

function envelope(stored: StoredEvent, data: { orderId: string; shopId: string }) {
  return {
    commandId: stored.eventId,
    schemaVersion: 1,
    orderId: data.orderId,
    shopId: data.shopId,
    metadata: {
      correlationId: stored.metadata.correlationId,
      causationId: stored.eventId,
      actor: stored.metadata.actor ?? { role: 'operator' as const, subject: 'dispatch' },
      issuedAt: stored.metadata.occurredAt,
      ...(stored.metadata.traceparent ? { traceparent: stored.metadata.traceparent } : {}),
    },
  };
}
