import type { InjectionToken, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PeriodicTask } from './periodic-task';
import { LOGGER } from './platform.module';
import { ProcessorRegistry } from './processors';
import { runAlone } from './run-alone';

const BATCH = 5_000;

export interface RetentionOptions {
  /** The table, in the service's schema, and its column of when a row came. */
  table: string;
  timeColumn: string;
  retentionMs: number;
  /** Names the one-replica lock and the log lines. */
  task: string;
  /** An SQL condition on a row (its table named as in `table`) that keeps it past the window, e.g. work still pending on it. */
  keep?: string;
}

/**
 * Drops a table's rows older than the retention, in batches (each its own short transaction, so
 * no long one holds back the cluster's readers), on one replica at a time. It runs every tenth of
 * the window, between a second and ten minutes: rows outlive the window by at most that much.
 */
export class RetentionSweep {
  private readonly schedule: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly options: RetentionOptions,
    registry?: Pick<ProcessorRegistry, 'register'>,
  ) {
    this.schedule = new PeriodicTask(
      {
        name: options.task,
        everyMs: Math.min(600_000, Math.max(1_000, options.retentionMs / 10)),
        pass: () => this.sweep(),
        failure: 'retention sweep failed; the next one retries',
      },
      logger,
      registry,
    );
  }

  /** Nest starts it once the app has booted and stops it before the app closes. */
  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Rows dropped by this sweep; 0 when another replica was sweeping. */
  async sweep(): Promise<number> {
    const { table, timeColumn, retentionMs, task, keep } = this.options;
    let dropped = 0;
    for (;;) {
      const batch =
        (await runAlone(this.dataSource, task, async (db) => {
          // Wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count].
          const [{ n }] = await db.query<Array<{ n: string }>>(
            `WITH dropped AS (
                 DELETE FROM ${table} WHERE ctid IN (
                   SELECT ctid FROM ${table} WHERE ${timeColumn} < clock_timestamp() - make_interval(secs => $1)${keep ? ` AND NOT (${keep})` : ''} LIMIT $2)
                 RETURNING 1)
               SELECT count(*) AS n FROM dropped`,
            [retentionMs / 1000, BATCH],
          );
          return Number(n);
        })) ?? 0;
      dropped += batch;
      if (batch < BATCH) break;
    }
    if (dropped > 0) this.logger.info({ task, dropped }, 'rows past retention dropped');
    return dropped;
  }
}

/**
 * A retention sweep as a Nest provider: `define` says which table, from the injected `inject`
 * dependencies (usually the service's config). `app.get(token)` gives the sweep, to run one at will.
 */
export function retentionSweep<Deps extends unknown[]>(
  token: InjectionToken,
  define: (...deps: Deps) => RetentionOptions,
  inject: InjectionToken[] = [],
): Provider {
  return {
    provide: token,
    inject: [DataSource, LOGGER, ProcessorRegistry, ...inject],
    useFactory: (dataSource: DataSource, logger: Logger, registry: ProcessorRegistry, ...deps: Deps) =>
      new RetentionSweep(dataSource, logger, define(...deps), registry),
  };
}
