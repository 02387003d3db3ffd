import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { openDataSource } from './database';

/** A migration that fails if it runs twice, as most do. */
class CreateShelves1700000000000 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`SELECT pg_sleep(0.2)`);
    await db.query(`CREATE TABLE shelves (id int PRIMARY KEY)`);
  }
  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE shelves`);
  }
}

// libs/testing builds on this library, so the run's database is read from the variable its global setup sets.
function runDatabaseUrl(): string {
  const url = process.env.PETALPOST_TEST_DATABASE_URL;
  if (!url) throw new Error('PETALPOST_TEST_DATABASE_URL is unset: run through jest, whose global setup starts PostgreSQL');
  return url;
}

describe('opening a service’s database (real PostgreSQL)', () => {
  it('lets three replicas start at once: the migration runs once and all of them open', async () => {
    const schema = `replicas_${randomBytes(5).toString('hex')}`;
    const options = { url: runDatabaseUrl(), schema, migrations: [CreateShelves1700000000000] };
    const replicas = await Promise.all([openDataSource(options), openDataSource(options), openDataSource(options)]);
    try {
      const [{ n }] = await replicas[0].query(`SELECT count(*)::int AS n FROM migrations WHERE name = 'CreateShelves1700000000000'`);
      expect(n).toBe(1);
      expect(await replicas[2].query(`SELECT count(*)::int AS n FROM shelves`)).toEqual([{ n: 0 }]);
    } finally {
      await replicas[0].query(`DROP SCHEMA ${schema} CASCADE`);
      await Promise.all(replicas.map((r) => r.destroy()));
    }
  });
});
