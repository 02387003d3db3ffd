import { TOPICS } from '@petalpost/contracts';
import { outboxRelay } from '@petalpost/event-store';
import { toDispatchMessage, toOrderCommand } from './dispatch-messages';

/**
 * Publishes the dispatch log to `dispatch.events`, and the assignment decisions in it to
 * `orders.commands` too: the log is the outbox, so a command goes out if and only if its decision
 * committed. The checkpoint moves after both topics acknowledged the batch.
 */
export const dispatchRelay = outboxRelay('DispatchRelay', () => ({
  name: 'dispatch.relay',
  routes: [
    { topic: TOPICS.dispatchEvents.name, messages: (batch) => batch.map(toDispatchMessage) },
    { topic: TOPICS.ordersCommands.name, messages: (batch) => batch.flatMap((e) => toOrderCommand(e) ?? []) },
  ],
}));
