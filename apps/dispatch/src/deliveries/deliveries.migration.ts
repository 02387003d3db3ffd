import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Deliveries1764000000100 implements MigrationInterface {
  name = 'Deliveries1764000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deliveries (
        order_id      text PRIMARY KEY,
        shop_id       text NOT NULL,
        status        text NOT NULL,
        window_from   timestamptz NOT NULL,
        window_to     timestamptz NOT NULL,
        order_version integer NOT NULL
      )`);
    await db.query(`CREATE INDEX deliveries_shop_status ON deliveries (shop_id, status, window_from)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deliveries`);
  }
}
