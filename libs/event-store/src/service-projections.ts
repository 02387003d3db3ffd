import type { InjectionToken, Provider } from '@nestjs/common';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import type { Projection } from './projection';
import { ProjectionHost } from './projection-host';
import { ServiceProjectionDirectory } from './projections-admin';

/**
 * Projections of a service while it runs: each counted by readiness, started once the app has
 * booted, stopped (the batch in hand finished) before it closes — Nest calls the two hooks.
 * Its host answers statuses and rebuilds.
 */
export class ServiceProjections {
  private unregister: Array<() => void> = [];

  constructor(
    readonly host: ProjectionHost,
    private readonly registry: Pick<ProcessorRegistry, 'register'>,
  ) {}

  onApplicationBootstrap(): void {
    this.unregister = this.host.processors().map((processor) => this.registry.register(processor));
    this.host.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
    for (const unregister of this.unregister) unregister();
  }
}

export interface ProjectionsOptions {
  /** The log they read: the EventStore provider unless the module knows the log by another token. */
  log?: InjectionToken;
}

/**
 * A set of projections as a Nest provider of ServiceProjections. `define` names the projections
 * from the injected `inject` dependencies; they look again 25 ms after finding nothing new. The
 * service's operators' API (ProjectionsAdminModule, mounted by serviceFoundation) lists them.
 */
export function logProjections<Deps extends unknown[]>(
  token: InjectionToken,
  define: (...deps: Deps) => Projection[],
  inject: InjectionToken[] = [],
  { log = EventStore }: ProjectionsOptions = {},
): Provider {
  return {
    provide: token,
    inject: [DataSource, log, LOGGER, ProcessorRegistry, { token: ServiceProjectionDirectory, optional: true }, ...inject],
    useFactory: (
      dataSource: DataSource,
      store: EventStore,
      logger: Logger,
      registry: ProcessorRegistry,
      directory: ServiceProjectionDirectory | undefined,
      ...deps: Deps
    ) => {
      const host = new ProjectionHost(dataSource, store, define(...deps), { logger, idleDelayMs: 25 });
      directory?.add(host);
      return new ServiceProjections(host, registry);
    },
  };
}
