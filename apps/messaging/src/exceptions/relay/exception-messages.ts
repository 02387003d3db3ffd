import { createEventEncoder, EXCEPTION_EVENT_CONTRACTS, type ExceptionEvent, ORDER_COMMAND_CONTRACTS } from '@petalpost/contracts';
import { relayedOrderCommand, type StoredEvent } from '@petalpost/event-store';
import { headersFor, type OutgoingMessage } from '@petalpost/kafka';

const encode = createEventEncoder(EXCEPTION_EVENT_CONTRACTS);

/** An exception event as published on `messaging.events`: keyed by order id, like the order's conversation. */
export function toExceptionMessage(stored: StoredEvent): OutgoingMessage {
  const event = stored as StoredEvent & ExceptionEvent;
  const integration = encode(stored, stored.data);
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
