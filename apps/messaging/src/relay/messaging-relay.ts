import { Inject, Injectable } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { EventStore, PublishingRelay, type StoredEvent } from '@petalpost/event-store';
import { headersFor, KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { toIntegrationEvents } from './messaging-integration-events';

/** Publishes the messaging log to `messaging.events`, keyed by order id: the log is the outbox. */
@Injectable()
export class MessagingRelay extends PublishingRelay {
  private readonly topic: string;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
  ) {
    super(dataSource, store, kafka, registry, { name: 'messaging.conversations.relay', logger });
    this.topic = namespaced(TOPICS.messagingEvents.name, config.KAFKA_NAMESPACE);
  }

  protected async publish(events: StoredEvent[]): Promise<void> {
    await this.publisher.send(
      this.topic,
      toIntegrationEvents(events).map(({ key, event }) => ({ key, value: event, headers: headersFor(event) })),
    );
  }
}
