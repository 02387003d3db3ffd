import { sqlMigration } from '@petalpost/platform';

/**
 * The board keeps until when the recipient's phone can be called: the platforms a Chinese shop
 * sells on give a privacy number (隐私号) that stops working some hours after the delivery. Rows
 * from before keep null, a number that does not expire; the recipient only travels on
 * OrderPlaced and DeliveryAddressCorrected, so a projection rebuild fills it where the log has it.
 */
export const DeliveriesPhoneExpiry1770000001500 = sqlMigration('DeliveriesPhoneExpiry1770000001500', {
  up: [`ALTER TABLE deliveries ADD COLUMN recipient_phone_expires_at timestamptz`],
  down: [`ALTER TABLE deliveries DROP COLUMN recipient_phone_expires_at`],
});
