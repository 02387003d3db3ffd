import { Inject, Injectable } from '@nestjs/common';
import { ProjectionHost, ServiceProjections } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EXCEPTION_STORE, type ExceptionStore } from '../exception-store';
import { exceptionReportsProjection } from './exception-reports.projection';

/** Keeps `exception_reports` from the log while the service runs. */
@Injectable()
export class ExceptionProjections extends ServiceProjections {
  constructor(
    dataSource: DataSource,
    @Inject(EXCEPTION_STORE) store: ExceptionStore,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
  ) {
    super(new ProjectionHost(dataSource, store, [exceptionReportsProjection], { logger, idleDelayMs: 25 }), registry);
  }
}
