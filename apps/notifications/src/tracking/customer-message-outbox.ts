import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MESSAGING_COMMAND_CONTRACTS, type MessagingCommandMessage, MessagingCommandMessageSchema, namespaced, TOPICS } from '@petalpost/contracts';
import { commandMessage, EventPublisher, KAFKA, type OutgoingMessage } from '@petalpost/kafka';
import { LOGGER, newTraceparent, type Processor, ProcessorRegistry, type ProcessorStatus, SERVICE_CONFIG } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { markPublished, type StoredCustomerMessage, unpublishedMessages } from './tracked-orders.store';
import type { TrackingServiceConfig } from './tracking.config';

/** A message Kafka did not take at once is tried again this often. */
const RETRY_INTERVAL_MS = 2_000;
const BATCH = 100;

/** The subject messaging records as the author: the holder of the order's tracking link. */
export const customerSubjectOf = (orderId: string) => `tracking-link:${orderId}`;

/**
 * Hands what customers write on their tracking pages to messaging, as PostCustomerMessage commands
 * on `messaging.commands`. tracking_messages is the outbox: a message is sent after its row
 * committed (at once, and again until Kafka took it), its id is the command id, so a message sent
 * twice is posted once.
 */
@Injectable()
export class CustomerMessageOutbox implements Processor, OnApplicationBootstrap, OnApplicationShutdown {
  readonly name = 'tracking:customer-messages';
  private readonly publisher: EventPublisher;
  private readonly topic: string;
  private readonly log: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private connected = false;
  private lastProgressAt?: Date;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: TrackingServiceConfig,
    @Inject(LOGGER) logger: Logger,
    registry: ProcessorRegistry,
  ) {
    this.publisher = new EventPublisher(kafka);
    this.topic = namespaced(TOPICS.messagingCommands.name, config.KAFKA_NAMESPACE);
    this.log = logger.child({ processor: this.name });
    registry.register(this);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.connected = true;
    this.timer = setInterval(() => this.flush(), RETRY_INTERVAL_MS);
    this.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
  }

  /** Sends what is waiting; called after a message is stored, and on a timer. One run at a time, a request meanwhile runs once more. */
  flush(): void {
    if (!this.connected) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sendWaiting()
      .catch((err: unknown) => this.log.warn({ err }, 'could not hand customer messages to messaging; trying again'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.flush();
        }
      });
  }

  status(): ProcessorStatus {
    return { name: this.name, ready: this.connected, lastProgressAt: this.lastProgressAt?.toISOString(), details: { topic: this.topic } };
  }

  private async sendWaiting(): Promise<void> {
    for (;;) {
      const sent = await this.dataSource.transaction(async (db) => {
        const waiting = await unpublishedMessages(db, BATCH);
        if (waiting.length === 0) return 0;
        await this.publisher.send(this.topic, waiting.map(commandOf));
        await markPublished(
          db,
          waiting.map((m) => m.messageId),
        );
        return waiting.length;
      });
      if (sent === 0) return;
      this.lastProgressAt = new Date();
      if (sent < BATCH) return;
    }
  }
}

export function commandOf(message: StoredCustomerMessage): OutgoingMessage {
  const command = {
    commandId: message.messageId,
    type: 'PostCustomerMessage',
    schemaVersion: 1,
    orderId: message.orderId,
    shopId: message.shopId,
    data: MESSAGING_COMMAND_CONTRACTS.PostCustomerMessage[1].parse({ text: message.text }),
    metadata: {
      correlationId: message.messageId,
      actor: { role: 'customer' as const, subject: customerSubjectOf(message.orderId) },
      issuedAt: message.sentAt,
      traceparent: newTraceparent(),
    },
  } satisfies MessagingCommandMessage<'PostCustomerMessage'>;
  MessagingCommandMessageSchema.parse(command);
  return commandMessage(command);
}
