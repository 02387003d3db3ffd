import { sqlMigration } from '@petalpost/platform';

/**
 * tracking_messages becomes the page's side of the order's customer channel: what the customer
 * sent (an outbox of PostCustomerMessage commands to messaging; published_at marks the hand-over)
 * and what the shop answered there (from messaging.events).
 */
export const TrackingConversation1766000000000 = sqlMigration('TrackingConversation1766000000000', {
  up: [
    `ALTER TABLE tracking_messages ADD COLUMN IF NOT EXISTS from_shop boolean NOT NULL DEFAULT false`,
    `ALTER TABLE tracking_messages ADD COLUMN IF NOT EXISTS recalled boolean NOT NULL DEFAULT false`,
    `CREATE INDEX IF NOT EXISTS tracking_messages_unpublished ON tracking_messages (sent_at) WHERE published_at IS NULL AND NOT from_shop`,
  ],
  down: [`DROP INDEX IF EXISTS tracking_messages_unpublished`, `ALTER TABLE tracking_messages DROP COLUMN IF EXISTS recalled, DROP COLUMN IF EXISTS from_shop`],
});
