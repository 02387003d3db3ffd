import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, runAlone, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { NotificationsConfig } from '../notifications.config';

const BATCH = 5_000;

/**
 * Drops inbox entries older than INBOX_RETENTION_HOURS, in batches, on one replica at a time. The
 * heads stay, so numbering never restarts; a client whose cursor points into what was dropped is
 * told with a `reset` frame.
 */
@Injectable()
export class InboxRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly retentionMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: NotificationsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.retentionMs = config.INBOX_RETENTION_HOURS * 3_600_000;
  }

  onApplicationBootstrap(): void {
    // A tenth of the window, between a second and ten minutes: entries outlive it by at most that much.
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
        const batch = await runAlone(this.dataSource, 'inbox-retention', async (db) => {
          // Wrapped in a SELECT: TypeORM answers a bare DELETE with [rows, count].
          const [{ n }] = await db.query<Array<{ n: string }>>(
            `WITH dropped AS (
               DELETE FROM inbox_entries WHERE ctid IN (
                 SELECT ctid FROM inbox_entries WHERE created_at < clock_timestamp() - make_interval(secs => $1) LIMIT $2)
               RETURNING 1)
             SELECT count(*) AS n FROM dropped`,
            [this.retentionMs / 1000, BATCH],
          );
          return Number(n);
        });
        dropped += batch ?? 0;
        if (!batch || batch < BATCH) break;
      }
      if (dropped > 0) this.logger.info({ dropped }, 'inbox entries past retention dropped');
    } catch (err) {
      this.logger.warn({ err }, 'inbox retention sweep failed; the next one retries');
    }
    return dropped;
  }
}
