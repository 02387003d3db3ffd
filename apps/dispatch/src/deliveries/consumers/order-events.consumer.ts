import { CONSUMER_GROUPS, onOrderEvent } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { applyToDeliveries } from '../projections/deliveries.projection';
import { EtaTracker } from '../../eta/eta-tracker';

/** Order events in: the dispatch board follows each order's life, and its riders' ETAs follow the board. */
export const orderEventsConsumer = kafkaConsumer(
  'OrderEventsConsumer',
  (eta: EtaTracker) => ({
    subscription: CONSUMER_GROUPS.dispatchOrders,
    handle: onOrderEvent(async (event, _envelope, db) => {
      const change = await applyToDeliveries(event, db);
      if (!change) return;
      // Re-estimated a moment later, from the committed board: a rider's stops, a window or an address changed.
      for (const riderId of new Set([change.before?.riderId, change.after.riderId])) {
        if (riderId) eta.riderChanged(change.after.shopId, riderId);
      }
    }),
  }),
  [EtaTracker],
);
