import { sqlMigration } from '@petalpost/platform';

/**
 * Every webhook delivery a connection received, stored before it is answered: the raw body sealed
 * (SecretBox, AAD = delivery id) until it is processed, then dropped; what became of it kept for
 * the shop's "last deliveries". UNIQUE (connection, event id): a replay stores nothing new. The
 * worker claims `received` rows with FOR UPDATE SKIP LOCKED, so a crash between storing and
 * processing loses nothing and no two replicas process one delivery.
 */
export const IntakeDeliveries1770000000200 = sqlMigration('IntakeDeliveries1770000000200', {
  up: [
    `CREATE TABLE intake_deliveries (
      delivery_id   uuid PRIMARY KEY,
      connection_id uuid NOT NULL REFERENCES intake_connections (connection_id) ON DELETE CASCADE,
      shop_id       text NOT NULL,
      event_id      text NOT NULL,
      topic         text NOT NULL,
      triggered_at  timestamptz NULL,
      body          bytea NULL,
      received_at   timestamptz NOT NULL DEFAULT now(),
      state         text NOT NULL DEFAULT 'received' CHECK (state IN ('received', 'processed', 'failed')),
      attempts      integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      last_error    text NULL,
      outcome       text NULL,
      reason        text NULL,
      intake_id     uuid NULL,
      order_id      uuid NULL,
      external_ref  text NULL,
      processed_at  timestamptz NULL,
      CONSTRAINT intake_deliveries_once UNIQUE (connection_id, event_id)
    )`,
    `CREATE INDEX intake_deliveries_due ON intake_deliveries (next_attempt_at) WHERE state = 'received'`,
    `CREATE INDEX intake_deliveries_recent ON intake_deliveries (connection_id, received_at DESC)`,
  ],
  down: [`DROP TABLE intake_deliveries`],
});
