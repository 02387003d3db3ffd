import { randomBytes } from 'node:crypto';
import { type DatabaseOptions, openDataSource } from '@petalpost/platform';
import type { DataSource } from 'typeorm';
import { testInfra } from './test-infra';

export interface TestDatabase {
  dataSource: DataSource;
  schema: string;
  /** Closes the connections and drops the schema. */
  drop(): Promise<void>;
}

/** A fresh schema of its own in the run's database, migrated: test files never see each other's rows. */
export async function createTestDatabase(options: Omit<DatabaseOptions, 'url' | 'schema'> & { prefix?: string }): Promise<TestDatabase> {
  const { databaseUrl } = testInfra();
  const schema = uniqueName(options.prefix ?? 't');
  const dataSource = await openDataSource({ ...options, url: databaseUrl, schema });
  return {
    dataSource,
    schema,
    async drop() {
      if (dataSource.isInitialized) {
        await dataSource.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
        await dataSource.destroy();
      }
    },
  };
}

/** A lower-case name unique to this run, e.g. for schemas, Kafka namespaces and shops. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}
