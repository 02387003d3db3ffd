import { Client } from 'pg';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  /** The service's own schema: its tables, its migrations table, its search_path. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations?: MixedList<Function | string>;
  poolSize?: number;
}

/** Schema names go into SQL unquoted by TypeORM, so only plain identifiers are accepted. */
function assertIdentifier(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
}

export async function ensureSchema(url: string, schema: string): Promise<void> {
  assertIdentifier(schema);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await client.end();
  }
}

/**
 * Opens a service's DataSource, running its migrations. Replicas starting together take turns
 * (a session advisory lock per schema): two would otherwise both apply the same migration.
 */
export async function openDataSource(options: DatabaseOptions): Promise<DataSource> {
  assertIdentifier(options.schema);
  const lock = new Client({ connectionString: options.url });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [`migrations:${options.schema}`]);
    // Inside the lock too: two CREATE SCHEMA IF NOT EXISTS at once can still collide.
    await lock.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    return await new DataSource(dataSourceOptions(options)).initialize();
  } finally {
    // Ending the session releases the lock, also when a migration failed.
    await lock.end();
  }
}

/**
 * Each service lives in its own schema; migrations run at start. Timeouts keep any session from
 * holding a transaction open for long: an open transaction stalls every reader of the event log.
 */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  assertIdentifier(options.schema);
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      options: `-c search_path=${options.schema} -c idle_in_transaction_session_timeout=30000 -c statement_timeout=30000`,
    },
  };
}
