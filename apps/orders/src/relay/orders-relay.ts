import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { EventStore, OutboxRelay } from '@petalpost/event-store';
import { EventPublisher, KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PersonalDataVault } from '../personal-data/personal-data-vault';
import { toIntegrationEvents } from './order-integration-events';
import type { Kafka } from 'kafkajs';

/** Publishes the order log to `orders.events`: the log is the outbox. */
@Injectable()
export class OrdersRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: EventPublisher;
  private readonly relay: OutboxRelay;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry,
    vault: PersonalDataVault,
  ) {
    this.publisher = new EventPublisher(kafka);
    const topic = namespaced(TOPICS.ordersEvents.name, config.KAFKA_NAMESPACE);
    this.relay = new OutboxRelay(dataSource, store, {
      name: 'orders.relay',
      logger,
      publish: async (events) => this.publisher.publish(topic, await toIntegrationEvents(events, vault)),
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
