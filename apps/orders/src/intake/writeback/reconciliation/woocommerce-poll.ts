import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus } from '@petalpost/platform';
import type { Logger } from 'pino';
import { IntakeConnections, sourceOf } from '../../connections/intake-connections.store';
import { UnreadablePayload } from '../../domain/intake-order';
import { mapWooCommerceOrder } from '../../domain/woocommerce.mapper';
import { IntakePlacer } from '../../placing/intake-placer.service';
import { WRITEBACK_CONFIG, type WritebackConfig } from '../writeback.config';
import { PollMarksStore } from './poll-marks.store';
import { ordersModifiedAfter } from './woocommerce-orders.reader';

/** How often the poll looks for a site whose check is due (each site is checked every ORDERS_INTAKE_WOO_POLL_SECONDS). */
const LOOK_EVERY_MS = 1_000;

/**
 * The WooCommerce reconciliation poll. WooCommerce never retries a failed webhook and disables
 * one that keeps failing, so beside the webhook each site is asked, every few minutes, for the
 * orders modified since the last check (with the shop's consumer key), and each goes through the
 * same IntakePlacer as a delivery: one it holds already is a duplicate or an older snapshot and
 * changes nothing; one the webhook missed is placed. The mark moves only after every page was read.
 */
@Injectable()
export class WooCommercePoll implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'intake:woocommerce-poll';
  private readonly log: Logger;
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private lastProgressAt?: Date;
  private lastError?: { message: string; at: string };
  private readonly counts = { checks: 0, ordersSeen: 0, failedChecks: 0 };

  constructor(
    private readonly marks: PollMarksStore,
    private readonly connections: IntakeConnections,
    private readonly placer: IntakePlacer,
    @Inject(WRITEBACK_CONFIG) private readonly config: WritebackConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
  ) {
    this.log = logger.child({ processor: this.name });
    registry.register(this);
  }

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.running !== undefined && !this.stopping.signal.aborted,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { ...this.counts, lastError: this.lastError },
    };
  }

  private async run(): Promise<void> {
    const intervalMs = this.config.ORDERS_INTAKE_WOO_POLL_SECONDS * 1000;
    while (!this.stopping.signal.aborted) {
      let checked = false;
      try {
        // The lease covers a long check; a replica that dies mid-check leaves the site due again after it.
        const due = await this.marks.claimDue(Math.max(intervalMs, 10 * this.config.ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS));
        if (due) {
          checked = true;
          await this.check(due.connectionId, due.modifiedAfter, intervalMs);
        }
        this.lastProgressAt = new Date();
      } catch (err) {
        this.lastError = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
        this.log.error({ err }, 'the reconciliation poll failed; trying again');
      }
      // Another site may be due at once; otherwise look again shortly.
      if (!checked) await this.idle(Math.min(LOOK_EVERY_MS, intervalMs));
    }
  }

  private async check(connectionId: string, modifiedAfter: Date, intervalMs: number): Promise<void> {
    const connection = await this.connections.byId(connectionId);
    const credentials = await this.connections.credentials(connectionId);
    if (!connection?.siteUrl || !credentials || !('consumerKey' in credentials)) {
      await this.marks.failed(connectionId, 'no REST API consumer key and secret', intervalMs);
      return;
    }
    const source = sourceOf(connection);
    const context = { mapping: connection.mapping, timeZone: connection.timeZone };
    // WooCommerce compares whole seconds, and an order saved as a check runs may carry an earlier time: reach back.
    const from = new Date(modifiedAfter.getTime() - this.config.ORDERS_INTAKE_WOO_POLL_OVERLAP_SECONDS * 1000);
    let newest: Date | undefined;
    let seen = 0;
    try {
      const site = { siteUrl: connection.siteUrl, consumerKey: credentials.consumerKey, consumerSecret: credentials.consumerSecret };
      for await (const page of ordersModifiedAfter(site, from, { timeoutMs: this.config.ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS, signal: this.stopping.signal })) {
        for (const payload of page) {
          seen++;
          const modified = await this.take(connection.shopId, source, payload, context);
          if (modified && (!newest || modified > newest)) newest = modified;
        }
      }
    } catch (err) {
      this.counts.failedChecks++;
      const message = err instanceof Error ? err.message : String(err);
      await this.marks.failed(connectionId, message, intervalMs);
      this.log.warn({ connectionId, error: message }, 'checking a WooCommerce site failed; its mark stays, the next check reads the same again');
      return;
    }
    await this.marks.advance(connectionId, newest, seen, intervalMs);
    this.counts.checks++;
    this.counts.ordersSeen += seen;
    this.log.info({ connectionId, from: from.toISOString(), seen, newest: newest?.toISOString() }, 'checked a WooCommerce site for orders the webhook missed');
  }

  /** One order through the intake path; its modification time, which moves the mark. */
  private async take(shopId: string, source: string, payload: unknown, context: Parameters<typeof mapWooCommerceOrder>[1]): Promise<Date | undefined> {
    let mapped: ReturnType<typeof mapWooCommerceOrder>;
    try {
      mapped = mapWooCommerceOrder(payload, context);
    } catch (err) {
      // One order the mapper cannot read must not stop the site's check: it is logged (no personal data) and passed.
      if (!(err instanceof UnreadablePayload)) throw err;
      this.log.warn({ shopId, source, error: err.message }, 'an order of the poll could not be read; passed over');
      return undefined;
    }
    if (mapped.kind === 'skip') return undefined;
    const result = await this.placer.receive(shopId, source, mapped.externalRef, mapped.externalUpdatedAt, mapped.order);
    if (result.outcome !== 'duplicate' && result.outcome !== 'stale') {
      this.log.info(
        { shopId, source, externalRef: mapped.externalRef, outcome: result.outcome, orderId: result.orderId },
        'the poll took an order the webhook had not brought',
      );
    }
    return new Date(mapped.externalUpdatedAt);
  }

  private idle(ms: number): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
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
}
