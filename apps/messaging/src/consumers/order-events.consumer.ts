import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { Conversation } from '../conversations/conversation.entity';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/** Order events in: a placed order opens its conversation. */
export const orderEventsConsumer = kafkaConsumer('OrderEventsConsumer', () => ({
  group: CONSUMER_GROUPS.messagingOrders,
  topics: [TOPICS.ordersEvents.name],
  handle: async (message, db) => {
    const decoded = decode(message.value);
    if (decoded.known && decoded.type === 'OrderPlaced') {
      const { orderId, shopId } = decoded.data as { orderId: string; shopId: string };
      await db.createQueryBuilder().insert().into(Conversation).values({ orderId, shopId }).orIgnore().execute();
    }
  },
}));
