import { CONSUMER_GROUPS, createEventDecoder, ORDER_EVENT_CONTRACTS, TOPICS } from '@petalpost/contracts';
import { kafkaConsumer } from '@petalpost/kafka';

const decode = createEventDecoder(ORDER_EVENT_CONTRACTS);

type Assignment = { orderId: string; shopId: string; riderId?: string };

/**
 * Which shop each order belongs to and which rider it is assigned to, from `orders.events`: a rider
 * may report exceptions only on the orders assigned to them. One order's events share a partition,
 * so they arrive in order.
 */
export const orderAssignmentsConsumer = kafkaConsumer('ExceptionOrderAssignmentsConsumer', () => ({
  group: CONSUMER_GROUPS.messagingExceptions,
  topics: [TOPICS.ordersEvents.name],
  handle: async (message, db) => {
    const decoded = decode(message.value);
    if (!decoded.known) return;
    const { orderId, shopId, riderId } = decoded.data as Assignment;
    switch (decoded.type) {
      case 'OrderPlaced':
        await db.query(`INSERT INTO exception_order_assignments (order_id, shop_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, shopId]);
        return;
      case 'RiderAssigned':
      case 'OutForDelivery':
        await db.query(
          `INSERT INTO exception_order_assignments (order_id, shop_id, rider_id) VALUES ($1, $2, $3)
           ON CONFLICT (order_id) DO UPDATE SET rider_id = EXCLUDED.rider_id, updated_at = now()`,
          [orderId, shopId, riderId],
        );
        return;
      case 'RiderUnassigned':
        await db.query(`UPDATE exception_order_assignments SET rider_id = NULL, updated_at = now() WHERE order_id = $1 AND rider_id = $2`, [orderId, riderId]);
        return;
    }
  },
}));
