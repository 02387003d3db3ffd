import { sqlMigration } from '@petalpost/platform';

/**
 * Tracking links become opaque ids kept here: only the id's SHA-256 (the id itself is shown once,
 * when minted), the order, who made it and when, when it ends, and who withdrew it. A customer's
 * message records the link it came through, so each link is held to its own sending limit.
 */
export const TrackingLinks1767000000000 = sqlMigration('TrackingLinks1767000000000', {
  up: [
    `CREATE TABLE IF NOT EXISTS tracking_links (
      link_id         uuid PRIMARY KEY,
      id_hash         bytea NOT NULL UNIQUE,
      ends_with       text NOT NULL,
      order_id        text NOT NULL,
      shop_id         text NOT NULL,
      created_at      timestamptz NOT NULL,
      created_by_role text NOT NULL,
      created_by      text NOT NULL,
      expires_at      timestamptz NOT NULL,
      revoked_at      timestamptz,
      revoked_by_role text,
      revoked_by      text,
      CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
    )`,
    `CREATE INDEX IF NOT EXISTS tracking_links_order ON tracking_links (order_id, created_at)`,
    `ALTER TABLE tracking_messages ADD COLUMN IF NOT EXISTS link_id uuid`,
    `CREATE INDEX IF NOT EXISTS tracking_messages_link ON tracking_messages (link_id, sent_at DESC) WHERE link_id IS NOT NULL`,
  ],
  down: [`DROP INDEX IF EXISTS tracking_messages_link`, `ALTER TABLE tracking_messages DROP COLUMN IF EXISTS link_id`, `DROP TABLE IF EXISTS tracking_links`],
});
