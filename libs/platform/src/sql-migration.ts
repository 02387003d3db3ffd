import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A migration's SQL: `up`'s statements run in order, `down`'s undo them. */
export interface SqlMigrationSteps {
  up: readonly string[];
  down: readonly string[];
}

/**
 * A migration that is only SQL: the statements stay in the migration's file, in the order they run;
 * the class TypeORM wants around them is written once, here. `name` is what the migrations table
 * records, ending with the timestamp TypeORM orders migrations by.
 */
export function sqlMigration(name: string, steps: SqlMigrationSteps): new () => MigrationInterface {
  return class implements MigrationInterface {
    readonly name = name;

    async up(db: QueryRunner): Promise<void> {
      for (const sql of steps.up) await db.query(sql);
    }

    async down(db: QueryRunner): Promise<void> {
      for (const sql of steps.down) await db.query(sql);
    }
  };
}
