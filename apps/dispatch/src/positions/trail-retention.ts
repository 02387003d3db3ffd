import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from '../dispatch.config';

const BATCH = 5_000;

/**
 * Drops trail positions received more than RIDER_TRAIL_RETENTION_HOURS ago, in batches, on one
 * replica at a time (as notifications' inbox retention does). Latest positions are never dropped.
 */
@Injectable()
export class TrailRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly retentionMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: DispatchConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retentionMs = config.RIDER_TRAIL_RETENTION_HOURS * 3_600_000;
  }

  onApplicationBootstrap(): void {
    // A tenth of the window, between a second and ten minutes: positions outlive it by at most that much.
    this.timer = setInterval(() => void this.sweep(), Math.min(600_000, Math.max(1_000, this.retentionMs / 10)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    let dropped = 0;
    try {
      for (;;) {
        const batch =
          (await runAlone(this.dataSource, 'rider-trail-retention', async (db) => {
            // Wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count].
            const [{ n }] = await db.query<Array<{ n: string }>>(
              `WITH dropped AS (
                 DELETE FROM rider_position_trail WHERE ctid IN (
                   SELECT ctid FROM rider_position_trail WHERE received_at < clock_timestamp() - make_interval(secs => $1) LIMIT $2)
                 RETURNING 1)
               SELECT count(*) AS n FROM dropped`,
              [this.retentionMs / 1000, BATCH],
            );
            return Number(n);
          })) ?? 0;
        dropped += batch;
        if (batch < BATCH) break;
      }
      if (dropped > 0) this.logger.info({ dropped }, 'rider trail positions past retention dropped');
    } catch (err) {
      this.logger.warn({ err }, 'rider trail retention sweep failed; the next one retries');
    }
    return dropped;
  }
}
