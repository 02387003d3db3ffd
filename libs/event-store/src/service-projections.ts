import type { ProcessorRegistry } from '@petalpost/platform';
import type { ProjectionHost } from './projection-host';

/**
 * A service's projections while it runs: each counted by readiness, started once the app has
 * booted, stopped (the batch in hand finished) before it closes. A service subclasses it as a
 * Nest provider and hands it its host.
 */
export abstract class ServiceProjections {
  private unregister: Array<() => void> = [];

  protected constructor(
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
