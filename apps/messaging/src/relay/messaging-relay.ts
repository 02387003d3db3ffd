import { TOPICS } from '@petalpost/contracts';
import { outboxRelay, type StoredEvent } from '@petalpost/event-store';
import { headersFor, type OutgoingMessage } from '@petalpost/kafka';
import { toIntegrationEvents } from '../conversations';
import { isExceptionEvent, toExceptionMessage, toOrderCommand } from '../exceptions';

/**
 * Publishes the messaging log to `messaging.events`, keyed by order id (conversations, shop
 * channels and exception reports), and the commands exception events imply to `orders.commands`
 * (flag on report, clear on resolution): the log is the outbox, so a command goes out if and only
 * if its event committed. The checkpoint moves after both topics acknowledged the batch.
 */
export const messagingRelay = outboxRelay('MessagingRelay', () => ({
  name: 'messaging.relay',
  routes: [
    { topic: TOPICS.messagingEvents.name, messages: (batch) => batch.flatMap(toMessagingEvents) },
    { topic: TOPICS.ordersCommands.name, messages: (batch) => batch.filter(isExceptionEvent).flatMap((e) => toOrderCommand(e) ?? []) },
  ],
}));

function toMessagingEvents(stored: StoredEvent): OutgoingMessage[] {
  if (isExceptionEvent(stored)) return [toExceptionMessage(stored)];
  return toIntegrationEvents([stored]).map(({ key, event }) => ({ key, value: event, headers: headersFor(event) }));
}
