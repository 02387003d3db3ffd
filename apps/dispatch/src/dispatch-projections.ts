import { Inject, Injectable } from '@nestjs/common';
import { EventStore, ProjectionHost, ServiceProjections } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ridersProjection } from './riders/riders.projection';

/** The read models kept from dispatch's own log while the service runs. */
@Injectable()
export class DispatchProjections extends ServiceProjections {
  constructor(dataSource: DataSource, store: EventStore, @Inject(LOGGER) logger: Logger, @Inject(ProcessorRegistry) registry: ProcessorRegistry) {
    super(new ProjectionHost(dataSource, store, [ridersProjection], { logger, idleDelayMs: 25 }), registry);
  }
}
