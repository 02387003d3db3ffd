import { sqlMigration } from '@petalpost/platform';

/**
 * The board keeps when each order was delivered (OrderDelivered's deliveredAt), so lateness is
 * counted from the outcome. Rows delivered before this keep null: only dispatch's flag tells on them.
 */
export const DeliveriesDeliveredAt1764000001400 = sqlMigration('DeliveriesDeliveredAt1764000001400', {
  up: [`ALTER TABLE deliveries ADD COLUMN delivered_at timestamptz`],
  down: [`ALTER TABLE deliveries DROP COLUMN delivered_at`],
});
