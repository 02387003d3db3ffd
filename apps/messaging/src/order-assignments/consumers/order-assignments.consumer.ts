import { CONSUMER_GROUPS, onOrderEvent, orderLifecycleChange } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';
import { recordPlaced, recordRider } from '../order-assignments.queries';

/**
 * Which shop each order belongs to and which rider it is assigned to now, from `orders.events`
 * (the rider as the order's lifecycle in libs/contracts tells it): a rider may report exceptions
 * on, and attach photos to, only the orders assigned to them. One order's events share a
 * partition, so they arrive in order. The group keeps the name it began with among the exceptions.
 */
export const orderAssignmentsConsumer = kafkaConsumer('ExceptionOrderAssignmentsConsumer', () => ({
  subscription: CONSUMER_GROUPS.messagingExceptions,
  handle: onOrderEvent(async (event, _envelope, db) => {
    if (event.type === 'PersonalDataErased') return;
    const { orderId, shopId } = event.data;
    if (event.type === 'OrderPlaced') return recordPlaced(db, orderId, shopId);
    const riderId = orderLifecycleChange(event)?.riderId;
    if (riderId !== undefined) await recordRider(db, orderId, shopId, riderId);
  }),
}));
