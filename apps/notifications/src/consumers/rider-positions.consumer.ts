import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CONSUMER_GROUPS, namespaced, TOPICS } from '@petalpost/contracts';
import { KAFKA } from '@petalpost/kafka';
import { LOGGER, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { RiderPositionSchema } from '../domain/rider-position';
import { InboxFanout } from '../delivery/inbox-fanout';

/**
 * Rider positions, straight to the connected readers who may follow the rider. Positions are many
 * and only the latest matters, so nothing is stored: every replica reads every position in a
 * consumer group of its own, from the end of the topic, and commits nothing (a restart starts from
 * the end again). Not the ConsumerHost: it exists for exactly-once effects, with an inbox and a
 * dead-letter topic per group — a malformed position is simply dropped here.
 */
@Injectable()
export class RiderPositionsConsumer implements Processor, OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly name: string;
  private readonly consumer: Consumer;
  private readonly topic: string;
  private readonly log: Logger;
  private joined = false;
  private stopped = false;
  private readonly counts = { positions: 0, malformed: 0 };
  private lastProgressAt?: Date;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
    private readonly fanout: InboxFanout,
  ) {
    const groupId = namespaced(`${CONSUMER_GROUPS.notificationsPush}.positions.${randomBytes(6).toString('hex')}`, config.KAFKA_NAMESPACE);
    this.name = `kafka:${groupId}`;
    this.topic = namespaced(TOPICS.riderLocations.name, config.KAFKA_NAMESPACE);
    this.log = logger.child({ processor: this.name });
    this.consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250 });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.warn({ err: payload.error, restart: payload.restart }, 'rider positions consumer crashed');
    });
    registry.register(this);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.consume(payload) });
    this.log.info({ topic: this.topic }, 'following rider positions');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.joined = false;
    await this.consumer.disconnect().catch((err: unknown) => this.log.warn({ err }, 'error while disconnecting'));
  }

  status(): ProcessorStatus {
    return { name: this.name, ready: this.joined, lastProgressAt: this.lastProgressAt?.toISOString(), details: { topic: this.topic, ...this.counts } };
  }

  private async consume({ batch }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      const position = parse(message.value);
      if (!position) {
        this.counts.malformed++;
        continue;
      }
      this.counts.positions++;
      this.fanout.offerPosition(position);
    }
    this.lastProgressAt = new Date();
  }
}

function parse(value: Buffer | null) {
  try {
    const parsed = RiderPositionSchema.safeParse(JSON.parse(String(value ?? '')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
