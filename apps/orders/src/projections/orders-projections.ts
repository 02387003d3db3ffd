import { Inject, Injectable } from '@nestjs/common';
import { EventStore, ProjectionHost, ServiceProjections } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PersonalDataVault } from '../personal-data/personal-data-vault';
import { orderSummariesProjection } from './order-summaries/order-summaries.projection';

/**
 * The read models of the order log, kept up to date while the service runs. Read models only:
 * anything that reaches outside the database (pushes, SMS) is a reactor on Kafka with an inbox,
 * and a rebuild — which replays the whole log through these projections — never re-runs it.
 */
@Injectable()
export class OrdersProjections extends ServiceProjections {
  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
    vault: PersonalDataVault,
  ) {
    super(new ProjectionHost(dataSource, store, [orderSummariesProjection(vault)], { logger, idleDelayMs: 25 }), registry);
  }
}
