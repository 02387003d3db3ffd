import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { EventStore, OutboxRelay } from '@petalpost/event-store';
import { EventPublisher, headersFor, KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { toIntegrationEvents } from './messaging-integration-events';

/** Publishes the messaging log to `messaging.events`, keyed by order id: the log is the outbox. */
@Injectable()
export class MessagingRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: EventPublisher;
  private readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry,
  ) {
    this.publisher = new EventPublisher(kafka);
    const topic = namespaced(TOPICS.messagingEvents.name, config.KAFKA_NAMESPACE);
    this.relay = new OutboxRelay(dataSource, store, {
      name: 'messaging.conversations.relay',
      logger,
      publish: (events) =>
        this.publisher.send(
          topic,
          toIntegrationEvents(events).map(({ key, event }) => ({ key, value: event, headers: headersFor(event) })),
        ),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.registry.register(this.relay);
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.publisher.disconnect();
  }
}
