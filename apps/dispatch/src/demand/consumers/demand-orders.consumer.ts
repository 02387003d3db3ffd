import { CONSUMER_GROUPS, onOrderEvent } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { applyToDemand } from '../projections/demand-orders.projection';

/**
 * Order events in, for the demand history: a group of its own, so it keeps its own place in the
 * topic and a failing demand write never holds up the dispatch board (nor the other way round).
 */
export const demandOrdersConsumer = kafkaConsumer('DemandOrdersConsumer', () => ({
  subscription: CONSUMER_GROUPS.dispatchDemand,
  handle: onOrderEvent((event, _envelope, db) => applyToDemand(event, db)),
}));
