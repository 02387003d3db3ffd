import { TOPICS } from '@petalpost/contracts';
import { keyedByStream, outboxRelay } from '@petalpost/event-store';
import { PersonalDataVault } from './personal-data/personal-data-vault';
import { toIntegrationEvents } from './orders/order-integration-events';

/** Publishes the order log to `orders.events`: the log is the outbox. */
export const ordersRelay = outboxRelay(
  'OrdersRelay',
  (vault: PersonalDataVault) => ({
    name: 'orders.relay',
    routes: [{ topic: TOPICS.ordersEvents.name, messages: async (batch) => (await toIntegrationEvents(batch, vault)).map((event) => keyedByStream(event)) }],
  }),
  [PersonalDataVault],
);
