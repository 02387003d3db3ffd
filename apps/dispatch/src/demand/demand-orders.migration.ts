import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Demand history: one row per order (docs/dispatch.md, "Demand history"). */
export class DemandOrders1764000001000 implements MigrationInterface {
  name = 'DemandOrders1764000001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE demand_orders (
        order_id            text PRIMARY KEY,
        shop_id             text NOT NULL,
        window_from         timestamptz NOT NULL,
        area                text,
        area_lat            double precision,
        area_lng            double precision,
        recipient_person_id text,
        cancelled           boolean NOT NULL DEFAULT false,
        order_version       integer NOT NULL
      )`);
    // Every question is one shop's orders over a stretch of days.
    await db.query(`CREATE INDEX demand_orders_shop_window ON demand_orders (shop_id, window_from)`);
    await db.query(`CREATE INDEX demand_orders_recipient ON demand_orders (shop_id, recipient_person_id) WHERE recipient_person_id IS NOT NULL`);
    // An erasure may overtake an older order event that still carries the address: remembering who
    // was erased keeps such a late event from bringing the area back.
    await db.query(`
      CREATE TABLE demand_erased_people (
        shop_id   text NOT NULL,
        person_id text NOT NULL,
        erased_at timestamptz NOT NULL,
        PRIMARY KEY (shop_id, person_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE demand_erased_people`);
    await db.query(`DROP TABLE demand_orders`);
  }
}
