import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus } from '@petalpost/platform';
import type { Logger } from 'pino';
import { IntakeConnections } from '../connections/intake-connections.store';
import { isChinaPlatform, type PlatformConnector } from '../platforms/platform-connector';
import { PlatformConnectors } from '../platforms/platform-connectors';
import { afterFailure, type RetrySchedule, type WritebackPlatform } from './domain/writeback-plan';
import { IntakeRidersStore } from './intake-riders.store';
import { type ClaimedWriteback, IntakeWritebacksStore } from './intake-writebacks.store';
import { TRACKING_LINKS, type TrackingLinks } from './tracking-links';
import { retryScheduleOf, WRITEBACK_CONFIG, type WritebackConfig } from './writeback.config';
import { platformTargetOf, writebackTargetOf } from './writeback-targets';
import { SHOP_STATUS_WRITERS, type ShopStatusWriter, WritebackFailure } from './writers/shop-status-writer';

const BATCH_SIZE = 20;
const ERROR_TEXT_MAX = 500;

/**
 * Works off intake_writebacks: claims due write-backs (every replica may run one), hands each to
 * its platform's ShopStatusWriter (Shopify, WooCommerce) or PlatformConnector (the Chinese
 * platforms, with the order's rider as the riders' directory knows them), and records the
 * outcome — done; or the next attempt after an exponential backoff; or dead after the last
 * attempt, or at once when retrying cannot help.
 */
@Injectable()
export class WritebackWorker implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'intake:writeback';
  private readonly log: Logger;
  private readonly schedule: RetrySchedule;
  private readonly writers: Map<WritebackPlatform, ShopStatusWriter>;
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private lastProgressAt?: Date;
  private lastError?: { message: string; at: string };
  private readonly counts = { written: 0, retried: 0, dead: 0 };

  constructor(
    private readonly writebacks: IntakeWritebacksStore,
    private readonly connections: IntakeConnections,
    private readonly connectors: PlatformConnectors,
    private readonly riders: IntakeRidersStore,
    @Inject(SHOP_STATUS_WRITERS) writers: ShopStatusWriter[],
    @Inject(TRACKING_LINKS) private readonly trackingLinks: TrackingLinks,
    @Inject(WRITEBACK_CONFIG) private readonly config: WritebackConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
  ) {
    this.log = logger.child({ processor: this.name });
    this.schedule = retryScheduleOf(config);
    this.writers = new Map(writers.map((w) => [w.platform, w]));
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
    while (!this.stopping.signal.aborted) {
      let claimed = 0;
      try {
        claimed = await this.writeDue();
      } catch (err) {
        this.lastError = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
        this.log.error({ err }, 'writing statuses back failed; trying again');
      }
      // A full batch means more may be due already.
      if (claimed < BATCH_SIZE) await this.idle(this.config.ORDERS_INTAKE_WRITEBACK_POLL_MS);
    }
  }

  private async writeDue(): Promise<number> {
    // The lease outlasts an attempt (a handful of requests, each with its time limit).
    const claims = await this.writebacks.claimDue(BATCH_SIZE, 4 * this.config.ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS + 30_000);
    const interrupted: string[] = [];
    await Promise.all(
      claims.map(async (claim) => {
        if (!(await this.attempt(claim))) interrupted.push(claim.writebackId);
      }),
    );
    await this.writebacks.release(interrupted);
    this.lastProgressAt = new Date();
    return claims.length;
  }

  /** False when the service stopped mid-attempt: the write-back is handed back, the attempt not counted. */
  private async attempt(claim: ClaimedWriteback): Promise<boolean> {
    const where = {
      writebackId: claim.writebackId,
      orderId: claim.orderId,
      connectionId: claim.connectionId,
      status: claim.facts.status,
      attempt: claim.attempt,
    };
    try {
      const { remoteRef } = isChinaPlatform(claim.platform)
        ? await this.writeToPlatform(claim, this.connectors.find(claim.platform))
        : await this.writeToShop(claim);
      await this.writebacks.recordDone(claim.writebackId, remoteRef);
      this.counts.written++;
      this.log.info({ ...where, remoteRef }, 'status written back');
      return true;
    } catch (err) {
      if (this.stopping.signal.aborted) return false;
      // Anything but a WritebackFailure (a bug, a database hiccup) is retried on the schedule too.
      const retryable = err instanceof WritebackFailure ? err.retryable : true;
      const error = (err instanceof Error ? err.message : String(err)).slice(0, ERROR_TEXT_MAX);
      const next = retryable ? afterFailure(claim.attempt, new Date(), this.schedule, Math.random()) : ({ dead: true } as const);
      await this.writebacks.recordFailure(claim.writebackId, error, next);
      if (next.dead) {
        this.counts.dead++;
        this.log.warn({ ...where, error }, 'status write-back is dead: it waits for staff to retry it');
      } else {
        this.counts.retried++;
        this.log.info({ ...where, error, nextAttemptAt: next.nextAttemptAt }, 'status write-back failed; retrying later');
      }
      return true;
    }
  }

  private async writeToShop(claim: ClaimedWriteback): Promise<{ remoteRef?: string }> {
    const writer = this.writers.get(claim.platform);
    if (!writer) throw new WritebackFailure(`no writer for ${claim.platform}`, false);
    const target = writebackTargetOf(claim, await this.connections.byId(claim.connectionId), await this.connections.credentials(claim.connectionId));
    const trackingUrl = claim.facts.status === 'out_for_delivery' ? await this.trackingLinks.linkFor(claim, this.stopping.signal) : undefined;
    return writer.write(target, { facts: claim.facts, trackingUrl }, this.stopping.signal);
  }

  private async writeToPlatform(claim: ClaimedWriteback, connector: PlatformConnector | undefined): Promise<{ remoteRef?: string }> {
    if (!connector) throw new WritebackFailure(`no connector for ${claim.platform}`, false);
    const target = platformTargetOf(claim, await this.connections.byId(claim.connectionId), await this.connections.platformAccess(claim.connectionId));
    const riderId = claim.facts.riderId;
    const rider = riderId === undefined ? undefined : await this.riders.byId(riderId);
    // dispatch.events may not have reached the riders' directory yet: the platform shows the buyer who brings the flowers, so wait for it.
    if (riderId !== undefined && !rider) throw new WritebackFailure(`rider ${riderId} is not known here yet (RiderRegistered not read)`, true);
    return connector.write(target, { facts: claim.facts, ...(rider ? { rider } : {}) }, this.stopping.signal);
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
