import type { InjectionToken, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from './platform.module';
import { type Processor, ProcessorRegistry, type ProcessorStatus } from './processors';

/** What a service says about one of its periodic tasks (a sweep, a re-send, an escalation). */
export interface PeriodicTaskDefinition {
  /** Names the processor in health and readiness, and the log lines. */
  name: string;
  /** From the start of one pass to the next; the first runs this long after start. */
  everyMs: number;
  /** One pass. Passes never overlap: one that is due while another runs is skipped. */
  pass: () => Promise<unknown>;
  /** Logged when a pass throws; the next pass tries again. */
  failure: string;
  /** Shown beside the last progress in the processor's status. */
  details?: () => Record<string, unknown>;
}

/**
 * Runs a pass every so often on this replica (a task that must run on one replica at a time takes
 * `runAlone` inside its pass). Reports the last pass that succeeded and the last error as a
 * processor; ready all along, since a failed pass is retried by the next.
 */
export class PeriodicTask implements Processor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastProgressAt?: Date;
  private lastError?: string;
  private unregister?: () => void;

  constructor(
    private readonly definition: PeriodicTaskDefinition,
    private readonly logger: Logger,
    private readonly registry?: Pick<ProcessorRegistry, 'register'>,
  ) {}

  /** Nest starts it once the app has booted, and stops it (the pass in hand finished) before it closes. */
  onApplicationBootstrap(): void {
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.unregister = this.registry?.register(this);
    this.timer = setInterval(() => void this.runPass(), this.definition.everyMs);
    this.timer.unref();
  }

  /** No pass starts after this; the one running, if any, is finished first. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.unregister?.();
  }

  /** A pass now, or the one already running: resolves when it is over, whether it failed or not. */
  runPass(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  status(): ProcessorStatus {
    return {
      name: this.definition.name,
      ready: true,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { ...this.definition.details?.(), ...(this.lastError ? { lastError: this.lastError } : {}) },
    };
  }

  private async pass(): Promise<void> {
    try {
      await this.definition.pass();
      this.lastProgressAt = new Date();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.logger.warn({ err, task: this.definition.name }, this.definition.failure);
    }
  }
}

/**
 * A periodic task as a Nest provider, counted by health: `define` says what it does and how often,
 * from the injected `inject` dependencies (usually the service's config and what the pass uses).
 */
export function periodicTask<Deps extends unknown[]>(
  token: InjectionToken,
  define: (...deps: Deps) => PeriodicTaskDefinition,
  inject: InjectionToken[] = [],
): Provider {
  return {
    provide: token,
    inject: [LOGGER, ProcessorRegistry, ...inject],
    useFactory: (logger: Logger, registry: ProcessorRegistry, ...deps: Deps) => new PeriodicTask(define(...deps), logger, registry),
  };
}
