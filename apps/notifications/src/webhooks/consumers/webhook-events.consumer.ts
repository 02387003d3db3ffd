import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { wakeUpChannel, type WebhooksConfig } from '../webhooks.config';
import { queueWebhooks } from '../webhook-outbox';
import { WEBHOOKS_CONFIG } from '../webhooks.tokens';

// Order events are upcast to their current version; events of types we do not know (dispatch,
// messaging, newer producers) go out as they came, once their envelope is valid.
const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/** Every event of every shop in: kept for replays, and queued for the subscriptions that want it. */
export const webhookEventsConsumer = kafkaConsumer(
  'WebhookEventsConsumer',
  (config: WebhooksConfig) => {
    const channel = wakeUpChannel(config.DATABASE_SCHEMA);
    return {
      subscription: CONSUMER_GROUPS.notificationsWebhooks,
      // Every effect goes through the transaction's manager: a busy partition shares one commit per fetch.
      sharesTransactions: true,
      handle: async (message, db) => {
        // A malformed message throws PoisonMessageError: the host parks it on the group's dead-letter topic.
        const { event } = decode(message.value);
        await queueWebhooks(db, event, channel);
      },
    };
  },
  [WEBHOOKS_CONFIG],
);
