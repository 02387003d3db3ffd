import {
  CONSUMER_GROUPS,
  createEventDecoder,
  INTAKE_EVENT_CONTRACTS,
  type IntegrationEvent,
  namespaced,
  ORDER_EVENT_CONTRACTS,
  TOPICS,
} from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import { InboxWriter } from '../inbox-writer';

/**
 * How each topic's messages are read. Order (and intake) events are decoded against their contracts, and a type
 * we do not know is skipped (producers may be newer). Of dispatch and messaging, any valid
 * integration envelope is taken and routed by its shop, order, rider and channel: the inbox keeps
 * what it is told, and a newer type of theirs still reaches the desk (libs/auth visibility).
 */
const READERS = [
  { topic: TOPICS.ordersEvents.name, decode: createEventDecoder([...ORDER_EVENT_CONTRACTS, ...INTAKE_EVENT_CONTRACTS]), takesUnknownTypes: false },
  { topic: TOPICS.dispatchEvents.name, decode: createEventDecoder([]), takesUnknownTypes: true },
  { topic: TOPICS.messagingEvents.name, decode: createEventDecoder([]), takesUnknownTypes: true },
];

/** Everything that happened, into the inboxes of everyone who may be told: once, in the message's transaction. */
export const integrationEventsConsumer = kafkaConsumer(
  'IntegrationEventsConsumer',
  (inbox: InboxWriter, config: ServiceConfig) => {
    const byTopic = new Map(READERS.map((reader) => [namespaced(reader.topic, config.KAFKA_NAMESPACE), reader]));
    const eventOf = (topic: string, value: Buffer | null): IntegrationEvent | undefined => {
      const reader = byTopic.get(topic);
      if (!reader) return undefined;
      const decoded = reader.decode(value);
      return decoded.known || reader.takesUnknownTypes ? decoded.event : undefined;
    };
    return {
      subscription: CONSUMER_GROUPS.notificationsPush,
      // Every effect goes through the transaction's manager: a busy partition shares one commit per fetch.
      sharesTransactions: true,
      handle: async (message, db) => {
        const event = eventOf(message.topic, message.value);
        if (event) await inbox.write(db, event);
      },
    };
  },
  [InboxWriter, SERVICE_CONFIG],
);
