import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { PushGateway } from '../push/push.gateway';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/** Order events in, pushes out: each event goes to the connected clients allowed to see it. */
export const orderEventsConsumer = kafkaConsumer(
  'OrderEventsConsumer',
  (gateway: PushGateway) => ({
    group: CONSUMER_GROUPS.notificationsPush,
    topics: [TOPICS.ordersEvents.name],
    handle: async (message) => {
      const decoded = decode(message.value);
      // Producers may be newer than us: an event type we do not know is skipped, not an error.
      if (decoded.known) gateway.push(decoded.event);
    },
  }),
  [PushGateway],
);
