import { sqlMigration } from '@petalpost/platform';

/**
 * Status written back to the shop systems: one row per (order, order event) — the Kafka inbox
 * already drops a redelivered event, and this key makes it certain, so each status is written
 * once. A row is pending until written (attempts, lastError, when it is tried next), done, or dead
 * after the last attempt: dead rows wait for staff to retry them. `seq` keeps one order's
 * write-backs in the order they happened. No personal data: only the status and its facts.
 */
export const IntakeWritebacks1770000000900 = sqlMigration('IntakeWritebacks1770000000900', {
  up: [
    `CREATE TABLE intake_writebacks (
      writeback_id     uuid PRIMARY KEY,
      seq              bigserial NOT NULL,
      shop_id          text NOT NULL,
      connection_id    uuid NOT NULL,
      platform         text NOT NULL CHECK (platform IN ('shopify', 'woocommerce')),
      order_id         uuid NOT NULL,
      event_id         uuid NOT NULL,
      external_ref     text NOT NULL,
      status           text NOT NULL CHECK (status IN ('out_for_delivery', 'delivered', 'carded', 'failed')),
      facts            jsonb NOT NULL,
      state            text NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
      attempts         integer NOT NULL DEFAULT 0,
      last_error       text NULL,
      next_attempt_at  timestamptz NOT NULL DEFAULT now(),
      remote_ref       text NULL,
      created_at       timestamptz NOT NULL DEFAULT now(),
      finished_at      timestamptz NULL,
      CONSTRAINT intake_writebacks_once UNIQUE (order_id, event_id)
    )`,
    `CREATE INDEX intake_writebacks_due ON intake_writebacks (next_attempt_at, seq) WHERE state = 'pending'`,
    `CREATE INDEX intake_writebacks_order ON intake_writebacks (order_id, seq)`,
    `CREATE INDEX intake_writebacks_shop_state ON intake_writebacks (shop_id, state, created_at)`,
  ],
  down: [`DROP TABLE intake_writebacks`],
});

/**
 * Per WooCommerce connection, how far the reconciliation poll has read: orders modified after
 * `modified_after` are asked for next; `next_poll_at` is also the lease that keeps two replicas
 * from polling one site at once.
 */
export const IntakePollMarks1770000000910 = sqlMigration('IntakePollMarks1770000000910', {
  up: [
    `CREATE TABLE intake_poll_marks (
      connection_id   uuid PRIMARY KEY,
      modified_after  timestamptz NOT NULL,
      next_poll_at    timestamptz NOT NULL DEFAULT now(),
      last_polled_at  timestamptz NULL,
      last_error      text NULL,
      orders_seen     bigint NOT NULL DEFAULT 0
    )`,
  ],
  down: [`DROP TABLE intake_poll_marks`],
});

/**
 * The Chinese platforms (Meituan, Ele.me, Youzan, WeChat Store) are told more than the road: the
 * order confirmed, the flowers ready, the rider, and the rider's position on the way.
 */
export const IntakeWritebackStatuses1770000001100 = sqlMigration('IntakeWritebackStatuses1770000001100', {
  up: [
    `ALTER TABLE intake_writebacks DROP CONSTRAINT intake_writebacks_platform_check`,
    `ALTER TABLE intake_writebacks ADD CONSTRAINT intake_writebacks_platform_check
       CHECK (platform IN ('shopify', 'woocommerce', 'meituan', 'eleme', 'youzan', 'wechat'))`,
    `ALTER TABLE intake_writebacks DROP CONSTRAINT intake_writebacks_status_check`,
    `ALTER TABLE intake_writebacks ADD CONSTRAINT intake_writebacks_status_check
       CHECK (status IN ('confirmed', 'prepared', 'rider_assigned', 'out_for_delivery', 'location', 'delivered', 'carded', 'failed'))`,
  ],
  down: [
    // Back to what Shopify and WooCommerce are told: what only the Chinese platforms were told goes.
    `DELETE FROM intake_writebacks WHERE platform NOT IN ('shopify', 'woocommerce') OR status NOT IN ('out_for_delivery', 'delivered', 'carded', 'failed')`,
    `ALTER TABLE intake_writebacks DROP CONSTRAINT intake_writebacks_status_check`,
    `ALTER TABLE intake_writebacks ADD CONSTRAINT intake_writebacks_status_check CHECK (status IN ('out_for_delivery', 'delivered', 'carded', 'failed'))`,
    `ALTER TABLE intake_writebacks DROP CONSTRAINT intake_writebacks_platform_check`,
    `ALTER TABLE intake_writebacks ADD CONSTRAINT intake_writebacks_platform_check CHECK (platform IN ('shopify', 'woocommerce'))`,
  ],
});
