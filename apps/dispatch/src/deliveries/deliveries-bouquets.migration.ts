import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The board counts each delivery's bouquets (the items' quantities of OrderPlaced), what a rider's
 * capacity is measured in. Rows placed before this count one.
 */
export class DeliveriesBouquets1764000001100 implements MigrationInterface {
  name = 'DeliveriesBouquets1764000001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries ADD COLUMN bouquets integer NOT NULL DEFAULT 1`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE deliveries DROP COLUMN bouquets`);
  }
}
