import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { runCommand } from '@petalpost/event-store';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { exceptionDecider } from './domain/exception.decider';
import { exceptionStream } from '@petalpost/contracts';
import type { ExceptionsConfig } from './exceptions.config';
import { EXCEPTION_STORE, type ExceptionStore } from './exception-store';

/**
 * Escalates reports nobody acknowledged within MESSAGING_EXCEPTION_ESCALATE_SECONDS. Exactly once
 * with any number of replicas: one replica scans at a time (a transaction advisory lock), and the
 * escalation is an event the decider appends at most once per report, under the stream's version
 * check — a second escalator racing it re-decides and finds nothing to do.
 */
@Injectable()
export class ExceptionEscalator implements OnApplicationBootstrap, BeforeApplicationShutdown, Processor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastProgressAt?: Date;
  private escalated = 0;
  private lastError?: string;
  private unregister?: () => void;
  private readonly afterSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(EXCEPTION_STORE) private readonly store: ExceptionStore,
    @Inject(SERVICE_CONFIG) config: ExceptionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry,
  ) {
    this.afterSeconds = config.MESSAGING_EXCEPTION_ESCALATE_SECONDS;
  }

  onApplicationBootstrap(): void {
    this.unregister = this.registry.register(this);
    // Look a few times per escalation period, so a report waits at most a quarter period extra.
    const everyMs = Math.min(5_000, Math.max(200, (this.afterSeconds * 1000) / 4));
    this.timer = setInterval(() => {
      this.running ??= this.scan().finally(() => (this.running = undefined));
    }, everyMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    this.unregister?.();
  }

  status(): ProcessorStatus {
    return {
      name: 'messaging.exceptions.escalator',
      ready: true,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { escalated: this.escalated, afterSeconds: this.afterSeconds, ...(this.lastError ? { lastError: this.lastError } : {}) },
    };
  }

  /** One pass: escalates every due report. */
  async scan(): Promise<void> {
    try {
      await this.dataSource.transaction(async (db) => {
        const [{ locked }] = await db.query(`SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':exception-escalation')) AS locked`);
        if (!locked) return;
        const due: Array<{ exception_id: string }> = await db.query(
          `SELECT exception_id FROM exception_reports
           WHERE status = 'reported' AND escalated_at IS NULL AND reported_at <= now() - make_interval(secs => $1)
           ORDER BY reported_at LIMIT 100`,
          [this.afterSeconds],
        );
        for (const { exception_id: exceptionId } of due) await this.escalate(exceptionId);
      });
      this.lastProgressAt = new Date();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.logger.error({ err, processor: 'messaging.exceptions.escalator' }, 'escalation pass failed; retrying at the next pass');
    }
  }

  private async escalate(exceptionId: string): Promise<void> {
    const command = { type: 'EscalateException' as const, escalateAfterSeconds: this.afterSeconds, now: new Date().toISOString() };
    const result = await runCommand(this.store, exceptionDecider, exceptionStream(exceptionId), command, {
      actor: { role: 'operator', subject: 'messaging.escalation' },
    });
    if (result.events.length > 0) {
      this.escalated++;
      this.logger.warn({ exceptionId, streamId: result.streamId }, 'exception escalated: nobody acknowledged it in time');
    }
  }
}
