import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import type { DemandEvent } from '../projections/demand-order.evolve';
import { applyToDemand } from '../projections/demand-orders.projection';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/**
 * Order events in, for the demand history: a group of its own, so it keeps its own place in the
 * topic and a failing demand write never holds up the dispatch board (nor the other way round).
 */
export const demandOrdersConsumer = kafkaConsumer('DemandOrdersConsumer', () => ({
  group: CONSUMER_GROUPS.dispatchDemand,
  topics: [TOPICS.ordersEvents.name],
  handle: async (message, db) => {
    const decoded = decode(message.value);
    // Producers may be newer than us: an event type we do not know is skipped, not an error.
    if (!decoded.known) return;
    // The decoder validated the data against its type's contract: it is that type's data.
    const event = { type: decoded.type, data: decoded.data, streamVersion: decoded.event.streamVersion } as DemandEvent;
    await applyToDemand(event, db);
  },
}));
