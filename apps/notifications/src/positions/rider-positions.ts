import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { namespaced, REPLICA_READERS, type RiderPosition, RiderPositionSchema } from '@petalpost/contracts';
import { KAFKA } from '@petalpost/kafka';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

/** Riders not heard of for this long are forgotten (a shift's gap, a phone switched off). */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * The service's one reader of riders.locations, and the latest position of every rider, in
 * memory; live pushes and tracking pages listen to it. Every replica needs every position (its
 * readers' riders may be anywhere), so each replica reads in a group of its own, from the end
 * of the log, and commits nothing: a position is stale in seconds, and one lost on a restart is
 * replaced by the next. That is why this is a plain kafkajs consumer and not libs/kafka's
 * ConsumerHost, whose inbox would write a row per position per replica.
 */
@Injectable()
export class RiderPositions implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name: string;
  private readonly latest = new Map<string, RiderPosition>();
  private readonly listeners = new Set<(position: RiderPosition) => void>();
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly log: Logger;
  private joined = false;
  private counts = { received: 0, ignored: 0 };
  private lastProgressAt?: Date;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(SERVICE_CONFIG) config: ServiceConfig, @Inject(LOGGER) logger: Logger, registry: ProcessorRegistry) {
    const { groupPrefix, topics } = REPLICA_READERS.notificationsPositions;
    const groupId = namespaced(`${groupPrefix}.${hostname()}.${randomUUID().slice(0, 8)}`, config.KAFKA_NAMESPACE);
    this.name = `kafka:${groupId}`;
    this.topic = namespaced(topics[0], config.KAFKA_NAMESPACE);
    this.log = logger.child({ processor: this.name, groupId });
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.joined = true));
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.warn({ err: payload.error, restart: payload.restart }, 'rider positions consumer crashed');
    });
    registry.register(this);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await this.consumer.run({ autoCommit: false, eachMessage: async ({ message }) => this.receive(message.value) });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.joined = false;
    await this.consumer.disconnect();
  }

  /** The rider's latest position, if one was heard since this replica started (and within the hour). */
  of(shopId: string, riderId: string): RiderPosition | undefined {
    return this.latest.get(keyOf(shopId, riderId));
  }

  onPosition(listener: (position: RiderPosition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  receive(value: Buffer | string | null): void {
    let parsed;
    try {
      parsed = RiderPositionSchema.safeParse(JSON.parse(String(value ?? '')));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      // Nothing to retry or park: a position that cannot be read is simply not shown.
      this.counts.ignored++;
      return;
    }
    const position = parsed.data;
    const key = keyOf(position.shopId, position.riderId);
    const known = this.latest.get(key);
    // Per-rider order holds (keyed by rider), but a phone may send a late, older fix.
    if (known && Date.parse(known.recordedAt) > Date.parse(position.recordedAt)) return;
    this.latest.delete(key);
    this.latest.set(key, position);
    this.counts.received++;
    this.lastProgressAt = new Date();
    if (this.counts.received % 1000 === 0) this.forgetSilentRiders();
    for (const listener of this.listeners) listener(position);
  }

  status(): ProcessorStatus {
    return {
      name: this.name,
      ready: this.joined,
      lastProgressAt: this.lastProgressAt?.toISOString(),
      details: { topic: this.topic, riders: this.latest.size, ...this.counts },
    };
  }

  /** The map is in insertion order, and each update re-inserts: the silent riders are at its start. */
  private forgetSilentRiders(): void {
    const cutoff = Date.now() - FORGET_AFTER_MS;
    for (const [key, position] of this.latest) {
      if (Date.parse(position.recordedAt) >= cutoff) break;
      this.latest.delete(key);
    }
  }
}

function keyOf(shopId: string, riderId: string): string {
  return `${shopId}\u0000${riderId}`;
}
