import {
  CONSUMER_GROUPS,
  createEventDecoder,
  EtaUpdatedV1,
  MessageEditedV1,
  MessagePostedV1,
  MessageRecalledV1,
  namespaced,
  ORDER_EVENT_CONTRACTS,
  TOPICS,
} from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { TrackingServiceConfig } from '../tracking.config';
import type { EtaUpdated, TrackedOrderEvent } from '../domain/tracked-order.evolve';
import { applyToTrackedOrders, applyToCustomerChannel, type CustomerChannelEvent } from '../projections/tracked-orders.projection';
import { trackingChannel } from '../tracked-orders.store';

const decodeOrderEvent = createEventDecoder(ORDER_EVENT_CONTRACTS);
const decodeDispatchEvent = createEventDecoder([EtaUpdatedV1]);
const decodeMessagingEvent = createEventDecoder([MessagePostedV1, MessageEditedV1, MessageRecalledV1]);

/**
 * Order and dispatch events in: the tracking page's read model, each change announced to every replica.
 * From messaging.events, the messages of orders' customer channels (the shop's answers on the page).
 */
export const trackingConsumer = kafkaConsumer(
  'TrackingConsumer',
  (config: TrackingServiceConfig) => {
    const channel = trackingChannel(config.DATABASE_SCHEMA);
    const dispatchTopic = namespaced(TOPICS.dispatchEvents.name, config.KAFKA_NAMESPACE);
    const messagingTopic = namespaced(TOPICS.messagingEvents.name, config.KAFKA_NAMESPACE);
    return {
      subscription: CONSUMER_GROUPS.notificationsTracking,
      // Every effect goes through the transaction's manager: a busy partition shares one commit per fetch.
      sharesTransactions: true,
      handle: async (message, db) => {
        if (message.topic === messagingTopic) {
          const decoded = decodeMessagingEvent(message.value);
          // Exception reports, read receipts, shop channels: nothing the page shows.
          if (decoded.known)
            await applyToCustomerChannel({ type: decoded.type, data: decoded.data, shopId: decoded.event.shopId } as CustomerChannelEvent, db, channel);
          return;
        }
        if (message.topic === dispatchTopic) {
          const decoded = decodeDispatchEvent(message.value);
          // Dispatch says much the page does not show: only ETAs are taken.
          if (decoded.known)
            await applyToTrackedOrders({ type: 'EtaUpdated', data: decoded.data as EtaUpdated['data'], shopId: decoded.event.shopId }, db, channel);
          return;
        }
        const decoded = decodeOrderEvent(message.value);
        // Producers may be newer than us: an event type we do not know is skipped, not an error.
        if (!decoded.known) return;
        // The decoder validated the data against its type's contract: it is that type's data.
        const event = { type: decoded.type, data: decoded.data, streamVersion: decoded.event.streamVersion } as TrackedOrderEvent;
        await applyToTrackedOrders(event, db, channel);
      },
    };
  },
  [SERVICE_CONFIG],
);
