import { Inject, Injectable } from '@nestjs/common';
import { namespaced, TOPICS } from '@petalpost/contracts';
import { EventStore, PublishingRelay, type StoredEvent } from '@petalpost/event-store';
import { KAFKA } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { toDispatchMessage, toOrderCommand } from './dispatch-messages';

/**
 * Publishes the dispatch log to `dispatch.events`, and the assignment decisions in it to
 * `orders.commands` too: the log is the outbox, so a command goes out if and only if its decision
 * committed. The checkpoint moves after both topics acknowledged the batch.
 */
@Injectable()
export class DispatchRelay extends PublishingRelay {
  private readonly eventsTopic: string;
  private readonly commandsTopic: string;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(ProcessorRegistry) registry: ProcessorRegistry,
  ) {
    super(dataSource, store, kafka, registry, { name: 'dispatch.relay', logger });
    this.eventsTopic = namespaced(TOPICS.dispatchEvents.name, config.KAFKA_NAMESPACE);
    this.commandsTopic = namespaced(TOPICS.ordersCommands.name, config.KAFKA_NAMESPACE);
  }

  protected async publish(batch: StoredEvent[]): Promise<void> {
    await this.publisher.send(this.eventsTopic, batch.map(toDispatchMessage));
    await this.publisher.send(this.commandsTopic, batch.flatMap((e) => toOrderCommand(e) ?? []));
  }
}
