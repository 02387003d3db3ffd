import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in a transaction holding a transaction-level advisory lock named after the schema and
 * `task`; when another replica holds it, does nothing and returns undefined. The lock goes with the
 * transaction, so a replica that dies mid-sweep never leaves it held.
 */
export async function runAlone<T>(dataSource: DataSource, task: string, work: (db: EntityManager) => Promise<T>): Promise<T | undefined> {
  return dataSource.transaction(async (db) => {
    const [{ locked }] = await db.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':' || $1)) AS locked`, [
      task,
    ]);
    return locked ? work(db) : undefined;
  });
}
