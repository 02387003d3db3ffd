import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { OutboxRelay } from '@petalpost/event-store';
import { EventPublisher, KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { isExceptionEvent } from '../projections/exception-reports.projection';
import { EXCEPTION_STORE, type ExceptionStore } from '../exception-store';
import { toExceptionMessage, toOrderCommand } from './exception-messages';

/**
 * Publishes exception events to `messaging.events` and the commands they imply to
 * `orders.commands` (flag on report, clear on resolution), from the log: the log is the outbox, so
 * a command goes out if and only if its event committed. Its checkpoint moves after both topics
 * acknowledged the batch.
 */
@Injectable()
export class ExceptionsRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly publisher: EventPublisher;
  private readonly relay: OutboxRelay;
  private unregister?: () => void;

  constructor(
    dataSource: DataSource,
    @Inject(EXCEPTION_STORE) store: ExceptionStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) private readonly registry: ProcessorRegistry,
  ) {
    this.publisher = new EventPublisher(kafka);
    const eventsTopic = namespaced(TOPICS.messagingEvents.name, config.KAFKA_NAMESPACE);
    const commandsTopic = namespaced(TOPICS.ordersCommands.name, config.KAFKA_NAMESPACE);
    this.relay = new OutboxRelay(dataSource, store, {
      name: 'messaging.exceptions.relay',
      logger,
      publish: async (batch) => {
        const events = batch.filter(isExceptionEvent);
        await this.publisher.send(eventsTopic, events.map(toExceptionMessage));
        await this.publisher.send(commandsTopic, events.flatMap((e) => toOrderCommand(e) ?? []));
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.unregister = this.registry.register(this.relay);
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    this.unregister?.();
    await this.publisher.disconnect();
  }
}
