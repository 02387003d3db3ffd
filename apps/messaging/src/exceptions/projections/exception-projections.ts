import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ProjectionHost } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EXCEPTION_STORE, type ExceptionStore } from '../exception-store';
import { exceptionReportsProjection } from './exception-reports.projection';

/** Keeps `exception_reports` from the log while the service runs. */
@Injectable()
export class ExceptionProjections implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly host: ProjectionHost;
  private unregister: Array<() => void> = [];

  constructor(
    dataSource: DataSource,
    @Inject(EXCEPTION_STORE) store: ExceptionStore,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry,
  ) {
    this.host = new ProjectionHost(dataSource, store, [exceptionReportsProjection], { logger, idleDelayMs: 25 });
  }

  onApplicationBootstrap(): void {
    this.unregister = this.host.processors().map((processor) => this.registry.register(processor));
    this.host.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
    for (const unregister of this.unregister) unregister();
  }
}
