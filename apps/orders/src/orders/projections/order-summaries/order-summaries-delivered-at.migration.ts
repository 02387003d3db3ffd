import { sqlMigration } from '@petalpost/platform';

/**
 * The orders list learns when an order was delivered: a rider lists the orders they delivered
 * only for the grace period after (RIDER_GRACE_MINUTES). Rows of orders delivered before this
 * migration take the time from the order's OrderDelivered in the log.
 */
export const OrderSummariesDeliveredAt1764000000500 = sqlMigration('OrderSummariesDeliveredAt1764000000500', {
  up: [
    `ALTER TABLE order_summaries ADD COLUMN delivered_at timestamptz`,
    `UPDATE order_summaries s SET delivered_at = (
      SELECT (e.data->>'deliveredAt')::timestamptz FROM events e
      WHERE e.stream_id = 'order-' || s.order_id AND e.type = 'OrderDelivered'
      ORDER BY e.stream_version DESC LIMIT 1)
    WHERE s.status = 'delivered'`,
  ],
  down: [`ALTER TABLE order_summaries DROP COLUMN delivered_at`],
});
