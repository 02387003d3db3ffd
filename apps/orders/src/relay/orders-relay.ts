import { Inject, Injectable } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { EventStore, PublishingRelay, type StoredEvent } from '@petalpost/event-store';
import { KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PersonalDataVault } from '../personal-data/personal-data-vault';
import { toIntegrationEvents } from './order-integration-events';

/** Publishes the order log to `orders.events`: the log is the outbox. */
@Injectable()
export class OrdersRelay extends PublishingRelay {
  private readonly topic: string;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
    private readonly vault: PersonalDataVault,
  ) {
    super(dataSource, store, kafka, registry, { name: 'orders.relay', logger });
    this.topic = namespaced(TOPICS.ordersEvents.name, config.KAFKA_NAMESPACE);
  }

  protected async publish(events: StoredEvent[]): Promise<void> {
    await this.publisher.publish(this.topic, await toIntegrationEvents(events, this.vault));
  }
}
