import { Inject, Injectable } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { PublishingRelay, type StoredEvent } from '@petalpost/event-store';
import { KAFKA } from '@petalpost/kafka';
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
export class ExceptionsRelay extends PublishingRelay {
  private readonly eventsTopic: string;
  private readonly commandsTopic: string;

  constructor(
    dataSource: DataSource,
    @Inject(EXCEPTION_STORE) store: ExceptionStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
  ) {
    super(dataSource, store, kafka, registry, { name: 'messaging.exceptions.relay', logger });
    this.eventsTopic = namespaced(TOPICS.messagingEvents.name, config.KAFKA_NAMESPACE);
    this.commandsTopic = namespaced(TOPICS.ordersCommands.name, config.KAFKA_NAMESPACE);
  }

  protected async publish(batch: StoredEvent[]): Promise<void> {
    const events = batch.filter(isExceptionEvent);
    await this.publisher.send(this.eventsTopic, events.map(toExceptionMessage));
    await this.publisher.send(this.commandsTopic, events.flatMap((e) => toOrderCommand(e) ?? []));
  }
}
