import { sqlMigration } from '@petalpost/platform';

/**
 * The board learns where and to whom each delivery goes, who rides it and by when, and forgets
 * recipients who are erased. Rows placed before this keep nulls: the recipient only travels on
 * OrderPlaced and DeliveryAddressCorrected.
 */
export const DeliveriesRecipients1764000000500 = sqlMigration('DeliveriesRecipients1764000000500', {
  up: [
    `ALTER TABLE deliveries
      ADD COLUMN deadline                 timestamptz,
      ADD COLUMN address_type             text,
      ADD COLUMN do_not_contact_recipient boolean NOT NULL DEFAULT false,
      ADD COLUMN rider_id                 text,
      ADD COLUMN recipient_person_id      text,
      ADD COLUMN recipient_erased         boolean NOT NULL DEFAULT false,
      ADD COLUMN recipient_name           text,
      ADD COLUMN recipient_phone          text,
      ADD COLUMN address_text             text,
      ADD COLUMN address_lat              double precision,
      ADD COLUMN address_lng              double precision,
      ADD COLUMN address_ward             text,
      ADD COLUMN address_room             text,
      ADD COLUMN address_notes            text`,
    // A rider lists their own deliveries; an erasure finds the rows of one person.
    `CREATE INDEX deliveries_rider ON deliveries (shop_id, rider_id, window_from) WHERE rider_id IS NOT NULL`,
    `CREATE INDEX deliveries_recipient_person ON deliveries (recipient_person_id) WHERE recipient_person_id IS NOT NULL`,
    // Erasures travel keyed by person, so one may overtake an older order event that still carries
    // the person's data: remembering who was erased keeps such a late event from bringing it back.
    `CREATE TABLE erased_people (
      shop_id   text NOT NULL,
      person_id text NOT NULL,
      erased_at timestamptz NOT NULL,
      PRIMARY KEY (shop_id, person_id)
    )`,
  ],
  down: [
    `DROP TABLE erased_people`,
    `DROP INDEX deliveries_recipient_person`,
    `DROP INDEX deliveries_rider`,
    `ALTER TABLE deliveries
      DROP COLUMN deadline, DROP COLUMN address_type, DROP COLUMN do_not_contact_recipient, DROP COLUMN rider_id,
      DROP COLUMN recipient_person_id, DROP COLUMN recipient_erased, DROP COLUMN recipient_name, DROP COLUMN recipient_phone,
      DROP COLUMN address_text, DROP COLUMN address_lat, DROP COLUMN address_lng, DROP COLUMN address_ward,
      DROP COLUMN address_room, DROP COLUMN address_notes`,
  ],
});
