import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { type Connection, IntakeConnections, sourceOf } from '../connections/intake-connections.store';
import { type MappedDelivery, missingForPlacement, UnreadablePayload } from '../domain/intake-order';
import { mapShopifyOrder } from '../domain/shopify.mapper';
import { mapWooCommerceOrder } from '../domain/woocommerce.mapper';
import type { IntakeConfig } from '../intake.config';
import { IntakePlacer } from '../placing/intake-placer.service';
import { isChinaPlatform, type PushMeaning } from '../platforms/platform-connector';
import { PlatformConnectors } from '../platforms/platform-connectors';
import { PushActions } from '../platforms/push-actions.service';
import { WritebackFailure } from '../writeback/writers/shop-status-writer';
import { type ClaimedDelivery, IntakeDeliveries, TEST_TOPIC } from './intake-deliveries.store';

/** Deliveries claimed per concurrent slot: enough that a slot rarely idles before the batch is done. */
const CLAIMS_PER_SLOT = 4;
/** Longer than a batch takes to place: no other replica claims its deliveries meanwhile. */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 6;
/** How long a platform may take to give an order's details (Ele.me order.get) before the delivery is tried again later. */
const READ_TIMEOUT_MS = 15_000;

/** A claimed delivery with its connection and what its body maps to, or why that could not be read. */
interface Prepared {
  claim: ClaimedDelivery;
  /** Absent when the connection was deleted meanwhile. */
  connection?: Connection;
  mapped?: MappedDelivery;
  /** A Chinese platform's push, as its connector reads it. */
  meaning?: PushMeaning;
  error?: unknown;
}

/**
 * Works off the stored webhook deliveries: claims a batch of those received (SKIP LOCKED: every
 * replica may run one), maps each with its platform's mapper and the connection's field mapping,
 * and hands the order to IntakePlacer, ORDERS_INTAKE_WORKER_CONCURRENCY at a time; records what
 * became of each. Deliveries of one order (connection + external reference) go one after another
 * in the order received, so a create is placed before its update is applied; IntakePlacer's
 * compare-and-set still decides between replicas and keeps an older snapshot from undoing a newer
 * one. A receiver in this process wakes it at once; deliveries stored by another replica, or left
 * by one that crashed, are found by a short poll. A failure is retried with backoff, and after the
 * last attempt parked as failed (kept for operators). A Chinese platform's push is read by its
 * connector (which may ask the platform for the order's details) and what it means is done by
 * PushActions.
 */
@Injectable()
export class IntakeDeliveryWorker implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name = 'intake:deliveries';
  private readonly log: Logger;
  private readonly stopping = new AbortController();
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private nudged = false;
  private lastProgressAt?: Date;
  private lastError?: { message: string; at: string };
  private readonly counts = { processed: 0, retried: 0, failed: 0 };

  constructor(
    private readonly deliveries: IntakeDeliveries,
    private readonly connections: IntakeConnections,
    private readonly placer: IntakePlacer,
    private readonly connectors: PlatformConnectors,
    private readonly pushActions: PushActions,
    @Inject(SERVICE_CONFIG) private readonly config: IntakeConfig,
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

  /** A delivery was stored: look now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wakeUp?.();
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.running !== undefined && !this.stopping.signal.aborted,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { ...this.counts, lastError: this.lastError },
    };
  }

  /**
   * Processes one delivery now and resolves once it is processed (the connection test answers with
   * its outcome). Another worker may have claimed it first: then its result is waited for.
   */
  async processNow(deliveryId: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.processBatch(await this.deliveries.claim(1, LEASE_MS, deliveryId));
      if ((await this.deliveries.get(deliveryId))?.state !== 'received') return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async run(): Promise<void> {
    const batch = this.config.ORDERS_INTAKE_WORKER_CONCURRENCY * CLAIMS_PER_SLOT;
    while (!this.stopping.signal.aborted) {
      let claimed = 0;
      try {
        const claims = await this.deliveries.claim(batch, LEASE_MS);
        claimed = claims.length;
        await this.processBatch(claims);
      } catch (err) {
        this.lastError = { message: (err as Error).message, at: new Date().toISOString() };
        this.log.error({ err }, 'claiming intake deliveries failed; trying again');
      }
      if (claimed < batch) await this.idle(this.config.ORDERS_INTAKE_WORKER_POLL_MS);
    }
  }

  /**
   * Places a batch (claimed oldest first) in lanes, one per order, several lanes at a time; a lane
   * runs its deliveries in turn. Resolves when every delivery of the batch is processed.
   */
  private async processBatch(claims: ClaimedDelivery[]): Promise<void> {
    // A connection is read once per batch, however many of its deliveries the batch holds.
    const connections = new Map<string, Promise<Connection | undefined>>();
    const connectionOf = (connectionId: string) => {
      const read = connections.get(connectionId) ?? this.connections.byId(connectionId);
      connections.set(connectionId, read);
      return read;
    };
    const lanes = new Map<string, Prepared[]>();
    for (const delivery of await Promise.all(claims.map((claim) => this.prepare(claim, connectionOf)))) {
      // What cannot be mapped names no order: it goes in a lane of its own.
      const externalRef = delivery.mapped?.externalRef ?? delivery.meaning?.externalRef;
      const key = externalRef === undefined ? delivery.claim.deliveryId : `${delivery.claim.connectionId}:${externalRef}`;
      const lane = lanes.get(key);
      if (lane) lane.push(delivery);
      else lanes.set(key, [delivery]);
    }
    const waiting = [...lanes.values()];
    const runLanes = async () => {
      for (let lane = waiting.shift(); lane; lane = waiting.shift()) {
        try {
          for (const delivery of lane) await this.process(delivery);
        } catch (err) {
          // Not even the failure could be recorded (the database is away): the rest of this order's
          // lane waits with it for the lease to run out, then all are claimed again in order.
          this.lastError = { message: (err as Error).message, at: new Date().toISOString() };
          this.log.error({ err, deliveryId: lane[0].claim.deliveryId }, 'recording an intake delivery failed; claimed again after its lease');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.ORDERS_INTAKE_WORKER_CONCURRENCY, waiting.length) }, runLanes));
  }

  /** Reads the delivery's connection and maps its body; a failure is kept to be handled as processing fails. */
  private async prepare(claim: ClaimedDelivery, connectionOf: (connectionId: string) => Promise<Connection | undefined>): Promise<Prepared> {
    try {
      const connection = await connectionOf(claim.connectionId);
      if (!connection) return { claim };
      if (isChinaPlatform(connection.platform)) {
        // A connection test is verified on receipt and never read: the sample names no real order.
        if (claim.topic === TEST_TOPIC) return { claim, connection };
        return { claim, connection, meaning: await this.readPush(connection, claim) };
      }
      return { claim, connection, mapped: mapDelivery(connection, claim, this.deliveries.body(claim)) };
    } catch (error) {
      return { claim, error };
    }
  }

  /** What a stored push means, read by its platform's connector with the connection's access opened for it. */
  private async readPush(connection: Connection, claim: ClaimedDelivery): Promise<PushMeaning> {
    const connector = this.connectors.find(connection.platform);
    if (!connector) throw new Error(`no connector runs for ${connection.platform}`);
    const access = await this.connections.platformAccess(connection.connectionId);
    if (!access) throw new Error(`the ${connection.platform} connection has no platform access`);
    const push = { topic: claim.topic, eventId: claim.eventId, body: this.deliveries.body(claim), receivedAt: claim.receivedAt };
    return connector.read(push, access, AbortSignal.any([this.stopping.signal, AbortSignal.timeout(READ_TIMEOUT_MS)]));
  }

  private async process({ claim, connection, mapped, meaning, error }: Prepared): Promise<void> {
    const where = { deliveryId: claim.deliveryId, connectionId: claim.connectionId, topic: claim.topic, attempt: claim.attempts };
    try {
      if (error !== undefined) throw error;
      if (!connection) return; // deleted meanwhile: its deliveries went with it
      if (isChinaPlatform(connection.platform)) {
        if (claim.topic === TEST_TOPIC) {
          await this.deliveries.record(claim.deliveryId, { outcome: 'tested', reason: 'signature verified (a test push: not read, nothing placed)' });
        } else if (meaning) {
          const record = await this.pushActions.act(connection, meaning, claim.deliveryId);
          await this.deliveries.record(claim.deliveryId, record);
          this.log.info(
            { ...where, meaning: meaning.kind, outcome: record.outcome, intakeId: record.intakeId, orderId: record.orderId },
            'platform push processed',
          );
        }
        this.counts.processed++;
        this.lastProgressAt = new Date();
        return;
      }
      if (!mapped) return;
      if (mapped.kind === 'skip') {
        await this.deliveries.record(claim.deliveryId, { outcome: 'skipped', reason: mapped.reason, externalRef: mapped.externalRef });
      } else if (claim.topic === TEST_TOPIC) {
        const missing = missingForPlacement(mapped.order);
        await this.deliveries.record(claim.deliveryId, {
          outcome: 'tested',
          reason: missing ? `would be held: ${missing}` : 'would be placed',
          externalRef: mapped.externalRef,
        });
      } else {
        const result = await this.placer.receive(connection.shopId, sourceOf(connection), mapped.externalRef, mapped.externalUpdatedAt, mapped.order);
        await this.deliveries.record(claim.deliveryId, { ...result, externalRef: mapped.externalRef });
        this.log.info({ ...where, outcome: result.outcome, intakeId: result.intakeId, orderId: result.orderId }, 'intake delivery processed');
      }
      this.counts.processed++;
      this.lastProgressAt = new Date();
    } catch (err) {
      if (err instanceof UnreadablePayload || err instanceof SyntaxError) {
        await this.deliveries.record(claim.deliveryId, { outcome: 'rejected', reason: err.message });
        this.log.warn({ ...where, reason: err.message }, 'intake delivery is not an order: rejected');
        return;
      }
      // The platform refused for good (wrong credentials, an order it does not have): retrying cannot help.
      const last = claim.attempts >= MAX_ATTEMPTS || (err instanceof WritebackFailure && !err.retryable);
      await this.deliveries.failed(claim.deliveryId, (err as Error).message, last ? undefined : backoffMs(claim.attempts));
      this.counts[last ? 'failed' : 'retried']++;
      this.lastError = { message: (err as Error).message, at: new Date().toISOString() };
      this.log[last ? 'error' : 'warn']({ ...where, err }, last ? 'intake delivery failed on its last attempt' : 'intake delivery failed; retrying');
    }
  }

  private idle(ms: number): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.nudged = false;
        done();
      };
    });
  }
}

/** 1 s, 4 s, 16 s … at most 10 minutes. */
function backoffMs(attempt: number): number {
  return Math.min(1000 * 4 ** (attempt - 1), 600_000);
}

function mapDelivery(connection: Connection, claim: ClaimedDelivery, body: Buffer): MappedDelivery {
  const payload: unknown = JSON.parse(body.toString('utf8'));
  const context = { mapping: connection.mapping, timeZone: connection.timeZone };
  return connection.platform === 'shopify' ? mapShopifyOrder(payload, claim.topic, context) : mapWooCommerceOrder(payload, context);
}
