import { sqlMigration } from '@petalpost/platform';

export const Tracking1764000001000 = sqlMigration('Tracking1764000001000', {
  up: [
    `CREATE TABLE IF NOT EXISTS tracked_orders (
      order_id             text PRIMARY KEY,
      shop_id              text NOT NULL,
      status               text NOT NULL,
      reached_at           jsonb NOT NULL,
      window_from          timestamptz NOT NULL,
      window_to            timestamptz NOT NULL,
      window_time_zone     text,
      deadline             timestamptz,
      eta                  timestamptz,
      rider_id             text,
      arrangement_photo    text,
      proof_photo          text,
      delivered_at         timestamptz,
      recipient_first_name text,
      recipient_person_id  text,
      destination_lat      double precision,
      destination_lng      double precision,
      order_version        integer NOT NULL,
      updated_at           timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX IF NOT EXISTS tracked_orders_recipient ON tracked_orders (shop_id, recipient_person_id)`,
    `CREATE TABLE IF NOT EXISTS tracking_erased_people (
      shop_id   text NOT NULL,
      person_id text NOT NULL,
      erased_at timestamptz NOT NULL,
      PRIMARY KEY (shop_id, person_id)
    )`,
    // An outbox: messaging will own conversations and take these over (published_at marks the hand-over).
    `CREATE TABLE IF NOT EXISTS tracking_messages (
      message_id   uuid PRIMARY KEY,
      order_id     text NOT NULL,
      shop_id      text NOT NULL,
      text         text NOT NULL,
      sent_at      timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS tracking_messages_shop ON tracking_messages (shop_id, sent_at DESC)`,
    `CREATE INDEX IF NOT EXISTS tracking_messages_order ON tracking_messages (order_id, sent_at)`,
  ],
  down: [`DROP TABLE IF EXISTS tracking_messages`, `DROP TABLE IF EXISTS tracking_erased_people`, `DROP TABLE IF EXISTS tracked_orders`],
});
