import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, RetentionSweep, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { DispatchConfig } from '../dispatch.config';

/** Drops trail positions received more than RIDER_TRAIL_RETENTION_HOURS ago. Latest positions are never dropped. */
@Injectable()
export class TrailRetention extends RetentionSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(dataSource: DataSource, @Inject(SERVICE_CONFIG) config: DispatchConfig, @Inject(LOGGER) logger: Logger) {
    super(dataSource, logger, { table: 'rider_position_trail', timeColumn: 'received_at', retentionMs: config.RIDER_TRAIL_RETENTION_HOURS * 3_600_000, task: 'rider-trail-retention' });
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}
