import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { applyToDeliveries } from '../projections/deliveries.projection';
import type { DeliveryEvent } from '../projections/delivery.evolve';
import { EtaTracker } from '../../eta/eta-tracker';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

/** Order events in: the dispatch board follows each order's life, and its riders' ETAs follow the board. */
export const orderEventsConsumer = kafkaConsumer(
  'OrderEventsConsumer',
  (eta: EtaTracker) => ({
    group: CONSUMER_GROUPS.dispatchOrders,
    topics: [TOPICS.ordersEvents.name],
    handle: async (message, db) => {
      const decoded = decode(message.value);
      // Producers may be newer than us: an event type we do not know is skipped, not an error.
      if (!decoded.known) return;
      // The decoder validated the data against its type's contract: it is that type's data.
      const event = { type: decoded.type, data: decoded.data, streamVersion: decoded.event.streamVersion } as DeliveryEvent;
      const change = await applyToDeliveries(event, db);
      if (!change) return;
      // Re-estimated a moment later, from the committed board: a rider's stops, a window or an address changed.
      for (const riderId of new Set([change.before?.riderId, change.after.riderId])) {
        if (riderId) eta.riderChanged(change.after.shopId, riderId);
      }
    },
  }),
  [EtaTracker],
);
