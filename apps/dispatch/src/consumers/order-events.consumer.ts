import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { applyToDeliveries } from '../deliveries/deliveries.projection';
import type { DeliveryEvent } from '../deliveries/delivery.evolve';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/** Order events in: the dispatch board follows each order's life. */
export const orderEventsConsumer = kafkaConsumer('OrderEventsConsumer', () => ({
  group: CONSUMER_GROUPS.dispatchOrders,
  topics: [TOPICS.ordersEvents.name],
  handle: async (message, db) => {
    const decoded = decode(message.value);
    // Producers may be newer than us: an event type we do not know is skipped, not an error.
    if (!decoded.known) return;
    // The decoder validated the data against its type's contract: it is that type's data.
    const event = { type: decoded.type, data: decoded.data, streamVersion: decoded.event.streamVersion } as DeliveryEvent;
    await applyToDeliveries(event, db);
  },
}));
