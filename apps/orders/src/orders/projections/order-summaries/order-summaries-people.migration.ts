import { sqlMigration } from '@petalpost/platform';

/**
 * The orders list learns who and what: the recipient's name (searchable; "erased" once the
 * person is forgotten), the assigned rider, the order type, deadline and open exceptions.
 * Rebuild the order-summaries projection after upgrading to fill these for older orders.
 */
export const OrderSummariesPeople1764000000400 = sqlMigration('OrderSummariesPeople1764000000400', {
  up: [
    `ALTER TABLE order_summaries
      ADD COLUMN order_type          text NOT NULL DEFAULT 'gift',
      ADD COLUMN deadline            timestamptz,
      ADD COLUMN rider_id            text,
      ADD COLUMN recipient_name      text,
      ADD COLUMN recipient_erased    boolean NOT NULL DEFAULT false,
      ADD COLUMN recipient_person_id text,
      ADD COLUMN open_exceptions     integer NOT NULL DEFAULT 0,
      ADD COLUMN paid                boolean NOT NULL DEFAULT false`,
    // A rider's app lists their own orders; an erasure finds the rows of one person.
    `CREATE INDEX order_summaries_rider ON order_summaries (rider_id, window_from, order_id) WHERE rider_id IS NOT NULL`,
    `CREATE INDEX order_summaries_recipient_person ON order_summaries (recipient_person_id)`,
  ],
  down: [
    `DROP INDEX order_summaries_rider`,
    `DROP INDEX order_summaries_recipient_person`,
    `ALTER TABLE order_summaries DROP COLUMN order_type, DROP COLUMN deadline, DROP COLUMN rider_id, DROP COLUMN recipient_name,
      DROP COLUMN recipient_erased, DROP COLUMN recipient_person_id, DROP COLUMN open_exceptions, DROP COLUMN paid`,
  ],
});
