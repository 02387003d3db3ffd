import { sqlMigration } from '@petalpost/platform';

/** Demand history: one row per order (docs/dispatch.md, "Demand history"). */
export const DemandOrders1764000001000 = sqlMigration('DemandOrders1764000001000', {
  up: [
    `CREATE TABLE demand_orders (
      order_id            text PRIMARY KEY,
      shop_id             text NOT NULL,
      window_from         timestamptz NOT NULL,
      area                text,
      area_lat            double precision,
      area_lng            double precision,
      recipient_person_id text,
      cancelled           boolean NOT NULL DEFAULT false,
      order_version       integer NOT NULL
    )`,
    // Every question is one shop's orders over a stretch of days.
    `CREATE INDEX demand_orders_shop_window ON demand_orders (shop_id, window_from)`,
    `CREATE INDEX demand_orders_recipient ON demand_orders (shop_id, recipient_person_id) WHERE recipient_person_id IS NOT NULL`,
    // An erasure may overtake an older order event that still carries the address: remembering who
    // was erased keeps such a late event from bringing the area back.
    `CREATE TABLE demand_erased_people (
      shop_id   text NOT NULL,
      person_id text NOT NULL,
      erased_at timestamptz NOT NULL,
      PRIMARY KEY (shop_id, person_id)
    )`,
  ],
  down: [`DROP TABLE demand_erased_people`, `DROP TABLE demand_orders`],
});
