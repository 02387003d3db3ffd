import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, RetentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { NotificationsConfig } from '../notifications.config';

/**
 * Drops inbox entries older than INBOX_RETENTION_HOURS. The heads stay, so numbering never
 * restarts; a client whose cursor points into what was dropped is told with a `reset` frame.
 */
@Injectable()
export class InboxRetention extends RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(dataSource: DataSource, @Inject(SERVICE_CONFIG) config: NotificationsConfig, @Inject(LOGGER) logger: Logger) {
    super(dataSource, logger, { table: 'inbox_entries', timeColumn: 'created_at', retentionMs: config.INBOX_RETENTION_HOURS * 3_600_000, task: 'inbox-retention' });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
