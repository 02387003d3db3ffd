import { ORDER_COMMAND_SENDERS, type OrderCommandMessage, OrderCommandMessageSchema, type OrderCommandType } from '@petalpost/contracts';
import { commandMessage, type OutgoingMessage } from '@petalpost/kafka';
import type { StoredEvent } from './stored-event';

/**
 * The command another service must receive because `stored` committed (e.g. dispatch's decision
 * that an order goes to a rider): keyed by order id, validated against the command contract. Its
 * id is the event's, so a relay that publishes the event again sends the same command, which the
 * receiver applies once. Only the command's sender in libs/contracts may issue it (the AsyncAPI
 * documents say who sends what from there).
 */
export function relayedOrderCommand<T extends OrderCommandType>(
  stored: StoredEvent,
  order: { orderId: string; shopId: string },
  issuer: (typeof ORDER_COMMAND_SENDERS)[T],
  type: T,
  data: OrderCommandMessage<T>['data'],
): OutgoingMessage {
  const { metadata } = stored;
  const command = {
    commandId: stored.eventId,
    type,
    schemaVersion: 1,
    orderId: order.orderId,
    shopId: order.shopId,
    data,
    metadata: {
      correlationId: metadata.correlationId,
      causationId: stored.eventId,
      // Decided by the service itself (a timer, a consumer): it acts in its own name.
      actor: metadata.actor ?? { role: 'operator' as const, subject: issuer },
      issuedAt: metadata.occurredAt,
      ...(metadata.traceparent ? { traceparent: metadata.traceparent } : {}),
    },
  } satisfies OrderCommandMessage<T>;
  OrderCommandMessageSchema.parse(command);
  // The receiver continues the trace of the event that decided the command.
  return commandMessage(command);
}
