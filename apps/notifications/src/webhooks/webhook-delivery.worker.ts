import { performance } from 'node:perf_hooks';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, PgListener, type Processor, ProcessorRegistry, type ProcessorStatus } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { webhookBodyOf } from './domain/webhook-body';
import { type AttemptResult, type NextStep, nextStep, type RetryPolicy } from './domain/webhook-retry';
import { secretsInForce, signatureHeader } from './domain/webhook-signature';
import { cancelPendingDeliveries, claimDueDeliveries, type ClaimedDelivery, recordAttempt, releaseClaims } from './webhook-delivery.queries';
import { resolveWithSystem, sendWebhook } from './webhook-sender';
import { allowsPrivateNetworks, retryPolicyOf, wakeUpChannel, type WebhooksConfig } from './webhooks.config';
import { WEBHOOKS_CONFIG } from './webhooks.tokens';

/** Headers every delivery carries (docs/notifications.md). */
export const WEBHOOK_HEADERS = {
  webhookId: 'petalpost-webhook-id',
  eventType: 'petalpost-event-type',
  timestamp: 'petalpost-timestamp',
  signature: 'petalpost-signature',
} as const;

const ERROR_TEXT_MAX = 500;

/** How each outcome of an attempt is counted in the worker's status and logged. */
const OUTCOMES = {
  delivered: { counter: 'delivered', level: 'debug', message: 'webhook delivered' },
  retry: { counter: 'retried', level: 'info', message: 'webhook attempt failed; retrying later' },
  dead_letter: { counter: 'deadLettered', level: 'warn', message: 'webhook failed on its last attempt: parked as a dead letter' },
  gone: { counter: 'gone', level: 'warn', message: 'receiver answered 410 Gone: subscription disabled' },
} as const satisfies Record<NextStep['kind'], { counter: string; level: 'debug' | 'info' | 'warn'; message: string }>;

/**
 * Works off the webhook_deliveries outbox: claims due deliveries (SKIP LOCKED, so every replica can
 * run one), POSTs them signed, and records each attempt and what follows. New deliveries wake it at
 * once through LISTEN/NOTIFY (the process's PgListener); retries fall due on their own, and whatever
 * a lost connection missed, are found by a short poll.
 */
@Injectable()
export class WebhookDeliveryWorker implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'webhooks:delivery';
  private readonly log: Logger;
  private readonly policy: RetryPolicy;
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  private readonly stopListening: () => void;
  private wakeUp?: () => void;
  private wokenWhileBusy = false;
  private lastProgressAt?: Date;
  private lastError?: { message: string; at: string };
  private readonly counts = { delivered: 0, retried: 0, deadLettered: 0, gone: 0 };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
    private readonly listener: PgListener,
  ) {
    this.log = logger.child({ processor: this.name });
    this.policy = retryPolicyOf(config);
    this.stopListening = listener.subscribe(wakeUpChannel(config.DATABASE_SCHEMA), () => this.nudge());
    registry.register(this);
  }

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
    this.stopListening();
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.running !== undefined && !this.stopping.signal.aborted,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { ...this.counts, wakeUps: this.listener.listening ? 'listen/notify' : 'polling', lastError: this.lastError },
    };
  }

  private async run(): Promise<void> {
    const { WEBHOOK_BATCH_SIZE, WEBHOOK_POLL_INTERVAL_MS } = this.config;
    while (!this.stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.deliverDue();
      } catch (err) {
        this.recordError(err);
        this.log.error({ err }, 'delivering webhooks failed; trying again');
      }
      // A full batch means more may be due already.
      if (claimed < WEBHOOK_BATCH_SIZE) await this.idle(WEBHOOK_POLL_INTERVAL_MS);
    }
  }

  private async deliverDue(): Promise<number> {
    const { WEBHOOK_BATCH_SIZE, WEBHOOK_TIMEOUT_MS } = this.config;
    // The lease outlasts the attempt's timeout, so no other worker takes a delivery still in flight.
    const claims = await claimDueDeliveries(this.dataSource, WEBHOOK_BATCH_SIZE, WEBHOOK_TIMEOUT_MS + 30_000);
    const interrupted: string[] = [];
    await Promise.all(
      claims.map(async (claim) => {
        if (!(await this.attempt(claim))) interrupted.push(claim.deliveryId);
      }),
    );
    await releaseClaims(this.dataSource, interrupted);
    return claims.length;
  }

  /** False when the service stopped mid-attempt: the delivery is handed back. */
  private async attempt(claim: ClaimedDelivery): Promise<boolean> {
    const where = { deliveryId: claim.deliveryId, subscriptionId: claim.subscriptionId, eventId: claim.event.eventId, attempt: claim.attempt };
    if (!claim.enabled) {
      await cancelPendingDeliveries(this.dataSource, claim.subscriptionId, 'the subscription is disabled');
      return true;
    }
    const body = JSON.stringify(webhookBodyOf(claim.event));
    const attemptedAt = new Date();
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const started = performance.now();
    const outcome = await sendWebhook({
      url: claim.url,
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Petalpost-Webhooks/1',
        [WEBHOOK_HEADERS.webhookId]: claim.deliveryId,
        [WEBHOOK_HEADERS.eventType]: claim.eventType,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signatureHeader(secretsInForce(claim, attemptedAt.getTime()), timestamp, body),
      },
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      stopSignal: this.stopping.signal,
      allowPrivateNetworks: allowsPrivateNetworks(this.config),
      resolve: resolveWithSystem,
    });
    if (outcome.kind === 'interrupted') return false;
    const durationMs = Math.round(performance.now() - started);

    const result: AttemptResult = outcome.kind === 'response' ? { kind: 'response', status: outcome.status } : { kind: 'error', message: outcome.message };
    const step = nextStep(result, claim.attempt, this.policy, Math.random());
    const statusCode = outcome.kind === 'response' ? outcome.status : null;
    const error = errorText(outcome, step.kind === 'delivered');
    await recordAttempt(this.dataSource, {
      deliveryId: claim.deliveryId,
      subscriptionId: claim.subscriptionId,
      attempt: claim.attempt,
      attemptedAt,
      durationMs,
      statusCode,
      error,
      step,
    });
    this.lastProgressAt = new Date();

    const { counter, level, message } = OUTCOMES[step.kind];
    this.counts[counter]++;
    this.log[level]({ ...where, statusCode, durationMs, error, next: step }, message);
    return true;
  }

  /** Waits for a NOTIFY, the poll interval or the stop, whichever comes first. */
  private idle(ms: number): Promise<void> {
    if (this.wokenWhileBusy || this.stopping.signal.aborted) {
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private nudge(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wokenWhileBusy = true;
  }

  private recordError(err: unknown): void {
    this.lastError = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
  }
}

function errorText(outcome: { kind: 'response'; status: number; excerpt: string } | { kind: 'error'; message: string }, delivered: boolean): string | null {
  if (delivered) return null;
  const text = outcome.kind === 'response' ? `HTTP ${outcome.status}${outcome.excerpt ? `: ${outcome.excerpt}` : ''}` : outcome.message;
  return text.slice(0, ERROR_TEXT_MAX);
}
