import { sqlMigration } from '@petalpost/platform';

/** The webhooks' tables, in the notifications schema (run by WebhooksTables in webhooks.module.ts). */
export const Webhooks1765000000000 = sqlMigration('Webhooks1765000000000', {
  up: [
    `CREATE TABLE IF NOT EXISTS webhook_subscriptions (
      subscription_id            uuid PRIMARY KEY,
      shop_id                    text NOT NULL,
      url                        text NOT NULL,
      event_types                text[] NOT NULL,
      description                text,
      enabled                    boolean NOT NULL DEFAULT true,
      disabled_reason            text,
      secret                     text NOT NULL,
      previous_secret            text,
      previous_secret_expires_at timestamptz,
      created_at                 timestamptz NOT NULL DEFAULT now(),
      updated_at                 timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX IF NOT EXISTS webhook_subscriptions_shop_idx ON webhook_subscriptions (shop_id)`,
    // Every event of every shop, kept for replays (WEBHOOK_EVENT_RETENTION_DAYS).
    `CREATE TABLE IF NOT EXISTS webhook_events (
      event_id    uuid PRIMARY KEY,
      shop_id     text NOT NULL,
      event_type  text NOT NULL,
      stream_id   text NOT NULL,
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      envelope    jsonb NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS webhook_events_shop_time_idx ON webhook_events (shop_id, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS webhook_events_shop_stream_idx ON webhook_events (shop_id, stream_id)`,
    `CREATE INDEX IF NOT EXISTS webhook_events_received_idx ON webhook_events (received_at)`,
    // The outbox: one row per (event, subscription), worked off by the delivery worker.
    `CREATE TABLE IF NOT EXISTS webhook_deliveries (
      delivery_id      uuid PRIMARY KEY,
      seq              bigserial NOT NULL,
      subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions ON DELETE CASCADE,
      shop_id          text NOT NULL,
      event_id         uuid NOT NULL REFERENCES webhook_events ON DELETE CASCADE,
      event_type       text NOT NULL,
      cause            text NOT NULL,
      status           text NOT NULL,
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL,
      last_status_code integer,
      last_error       text,
      created_at       timestamptz NOT NULL DEFAULT now(),
      finished_at      timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, seq) WHERE status = 'pending'`,
    `CREATE INDEX IF NOT EXISTS webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, seq DESC)`,
    `CREATE INDEX IF NOT EXISTS webhook_deliveries_event_idx ON webhook_deliveries (event_id)`,
    `CREATE INDEX IF NOT EXISTS webhook_dead_letters_idx ON webhook_deliveries (finished_at DESC, delivery_id) WHERE status = 'dead'`,
    `CREATE TABLE IF NOT EXISTS webhook_delivery_attempts (
      attempt_id   bigserial PRIMARY KEY,
      delivery_id  uuid NOT NULL REFERENCES webhook_deliveries ON DELETE CASCADE,
      attempt      integer NOT NULL,
      attempted_at timestamptz NOT NULL,
      duration_ms  integer NOT NULL,
      status_code  integer,
      error        text
    )`,
    `CREATE INDEX IF NOT EXISTS webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt_id)`,
  ],
  down: ['webhook_delivery_attempts', 'webhook_deliveries', 'webhook_events', 'webhook_subscriptions'].map((table) => `DROP TABLE IF EXISTS ${table}`),
});
