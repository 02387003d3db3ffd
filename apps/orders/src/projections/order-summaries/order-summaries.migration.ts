import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The orders list's read model. Filled by the order-summaries projection from the log, so it
 * stands alone (no foreign keys, no sequences): a rebuild swaps in a copy of it.
 */
export class OrderSummaries1764000000200 implements MigrationInterface {
  name = 'OrderSummaries1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE order_summaries (
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
      )`);
    // Lists are read by shop (and status), in window order, a page after a (window_from, order_id) cursor.
    await db.query(`CREATE INDEX order_summaries_shop_status_window ON order_summaries (shop_id, status, window_from, order_id)`);
    await db.query(`CREATE INDEX order_summaries_shop_window ON order_summaries (shop_id, window_from, order_id)`);
    // Operators may list every shop at once.
    await db.query(`CREATE INDEX order_summaries_window ON order_summaries (window_from, order_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE order_summaries`);
  }
}
