import { EXCEPTION_EVENT_CONTRACTS, type ExceptionEvent, type IntegrationEvent, ORDER_COMMAND_CONTRACTS } from '@petalpost/contracts';
import { relayedOrderCommand, type StoredEvent } from '@petalpost/event-store';
import { headersFor, type OutgoingMessage } from '@petalpost/kafka';

const versionOf = new Map<string, number>(EXCEPTION_EVENT_CONTRACTS.map((c) => [c.type, c.version]));

/** An exception event as published on `messaging.events`: keyed by order id, like the order's conversation. */
export function toExceptionMessage(stored: StoredEvent): OutgoingMessage {
  const event = stored as StoredEvent & ExceptionEvent;
  const contract = EXCEPTION_EVENT_CONTRACTS.find((c) => c.type === event.type);
  if (!contract) throw new Error(`${stored.type} is not an exception event`);
  const integration: IntegrationEvent = {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: versionOf.get(event.type) ?? 1,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    shopId: event.data.shopId,
    // Validated on the way out: what crosses Kafka is the contract, never whatever the log holds.
    data: contract.schema.parse(event.data),
    metadata: event.metadata,
  };
  return { key: event.data.orderId, value: integration, headers: headersFor(integration) };
}

/**
 * The command the orders service must receive for an exception event: a report flags the order,
 * a resolution clears the flag (its id is the event's).
 */
export function toOrderCommand(stored: StoredEvent): OutgoingMessage | undefined {
  const event = stored as StoredEvent & ExceptionEvent;
  switch (event.type) {
    case 'ExceptionReported': {
      const { details } = event.data;
      const note = 'note' in details ? details.note : 'text' in details ? details.text : undefined;
      const data = ORDER_COMMAND_CONTRACTS.FlagOrderException[1].parse({ exceptionId: event.data.exceptionId, kind: details.type, ...(note ? { note } : {}) });
      return relayedOrderCommand(stored, event.data, 'messaging', 'FlagOrderException', data);
    }
    case 'ExceptionResolved': {
      const { exceptionId, outcome, note } = event.data;
      const data = ORDER_COMMAND_CONTRACTS.ClearOrderException[1].parse({ exceptionId, resolution: note ? `${outcome}: ${note}` : outcome });
      return relayedOrderCommand(stored, event.data, 'messaging', 'ClearOrderException', data);
    }
    default:
      return undefined;
  }
}
