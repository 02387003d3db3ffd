import { DomainError } from '@petalpost/contracts';
import type { Processor } from '@petalpost/platform';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventStore } from './event-store';
import type { Projection, ProjectionStatus, RebuildProgress } from './projection';
import { ProjectionRebuild, RebuildInProgress, type RebuildOptions } from './projection-rebuild';
import { ProjectionRunner } from './projection-runner';

export interface ProjectionHostOptions {
  logger: Logger;
  batchSize?: number;
  idleDelayMs?: number;
  retryDelayMs?: number;
  rebuild?: Omit<RebuildOptions, 'logger'>;
}

/** A service's projections: one live runner each, and at most one rebuild each. */
export class ProjectionHost {
  private readonly projections = new Map<string, Projection>();
  private readonly runners = new Map<string, ProjectionRunner>();
  /** The running rebuild of each projection, or the last one this process ran. */
  private readonly rebuilds = new Map<string, ProjectionRebuild>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    projections: Projection[],
    private readonly options: ProjectionHostOptions,
  ) {
    for (const projection of projections) {
      if (this.projections.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
      this.projections.set(projection.name, projection);
      const { logger, batchSize, idleDelayMs, retryDelayMs } = options;
      this.runners.set(projection.name, new ProjectionRunner(dataSource, store, projection, { logger, batchSize, idleDelayMs, retryDelayMs }));
    }
  }

  /** The live runners, for the service's processor registry (readiness, lag). */
  processors(): Processor[] {
    return [...this.runners.values()];
  }

  start(): void {
    for (const runner of this.runners.values()) runner.start();
  }

  /** Cancels rebuilds in progress (their shadow tables are dropped), then stops the runners. */
  async stop(): Promise<void> {
    await Promise.all([...this.rebuilds.values()].filter((r) => r.isRunning).map((r) => r.cancel()));
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
  }

  statuses(): ProjectionStatus[] {
    return [...this.runners.values()].map((runner) => ({ ...runner.describe(), rebuild: this.rebuilds.get(runner.projection.name)?.snapshot() }));
  }

  /**
   * Starts rebuilding a projection next to the live one and swaps it in once caught up.
   * Resolves as soon as the rebuild is under way; follow it with `rebuildOf(name)`.
   */
  async rebuild(name: string): Promise<RebuildProgress> {
    const projection = this.projections.get(name);
    if (!projection) throw new DomainError('not_found', 'PROJECTION_NOT_FOUND', `no projection named ${name}`);
    const previous = this.rebuilds.get(name);
    if (previous?.isRunning) throw new RebuildInProgress(name, previous.snapshot());
    const rebuild = new ProjectionRebuild(this.dataSource, this.store, projection, { ...this.options.rebuild, logger: this.options.logger });
    // Claimed before the first await, so a second request in this process is refused at once.
    this.rebuilds.set(name, rebuild);
    try {
      return await rebuild.start();
    } catch (err) {
      if (previous) this.rebuilds.set(name, previous);
      else this.rebuilds.delete(name);
      throw err;
    }
  }

  rebuildOf(name: string): ProjectionRebuild | undefined {
    return this.rebuilds.get(name);
  }
}
