import { sqlMigration } from '@petalpost/platform';

/**
 * The orders list's read model. Filled by the order-summaries projection from the log, so it
 * stands alone (no foreign keys, no sequences): a rebuild swaps in a copy of it.
 */
export const OrderSummaries1764000000200 = sqlMigration('OrderSummaries1764000000200', {
  up: [
    `CREATE TABLE order_summaries (
      order_id    text PRIMARY KEY,
      shop_id     text NOT NULL,
      status      text NOT NULL,
      reference   text,
      window_from timestamptz NOT NULL,
      window_to   timestamptz NOT NULL,
      placed_at   timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL,
      version     integer NOT NULL,
      item_count  integer NOT NULL
    )`,
    // Lists are read by shop (and status), in window order, a page after a (window_from, order_id) cursor.
    `CREATE INDEX order_summaries_shop_status_window ON order_summaries (shop_id, status, window_from, order_id)`,
    `CREATE INDEX order_summaries_shop_window ON order_summaries (shop_id, window_from, order_id)`,
    // Operators may list every shop at once.
    `CREATE INDEX order_summaries_window ON order_summaries (window_from, order_id)`,
  ],
  down: [`DROP TABLE order_summaries`],
});
