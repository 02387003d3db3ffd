import { sqlMigration } from '@petalpost/platform';

/**
 * One row per order of a shop system (shop, source, external reference): the order it became, how
 * recent the snapshot we took was (older ones are ignored), or why it waits for staff. A held
 * order's details are sealed under a person key of the vault (`held`), so erasure and the
 * master key cover them like the log; they are dropped once the order is placed or dismissed.
 */
export const IntakeOrders1770000000300 = sqlMigration('IntakeOrders1770000000300', {
  up: [
    `CREATE TABLE intake_orders (
      intake_id           uuid PRIMARY KEY,
      shop_id             text NOT NULL,
      source              text NOT NULL,
      external_ref        text NOT NULL,
      status              text NOT NULL CHECK (status IN ('placed', 'needs_attention', 'dismissed')),
      order_id            uuid NULL,
      external_updated_at timestamptz NOT NULL,
      reason              text NULL,
      held                jsonb NULL,
      applied             jsonb NULL,
      received_at         timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT intake_orders_once UNIQUE (shop_id, source, external_ref),
      CONSTRAINT intake_orders_placed_has_order CHECK ((status = 'placed') = (order_id IS NOT NULL))
    )`,
    `CREATE INDEX intake_orders_attention ON intake_orders (shop_id, received_at) WHERE status = 'needs_attention'`,
    `CREATE UNIQUE INDEX intake_orders_order ON intake_orders (order_id) WHERE order_id IS NOT NULL`,
  ],
  down: [`DROP TABLE intake_orders`],
});
