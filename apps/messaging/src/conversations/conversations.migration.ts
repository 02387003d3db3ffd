import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Conversations1764000000200 implements MigrationInterface {
  name = 'Conversations1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE conversations (
        order_id  text PRIMARY KEY,
        shop_id   text NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE conversations`);
  }
}
