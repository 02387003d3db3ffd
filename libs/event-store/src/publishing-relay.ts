import { EventPublisher } from '@petalpost/kafka';
import type { ProcessorRegistry } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { EventStore } from './event-store';
import { OutboxRelay, type RelayOptions } from './relay';
import type { StoredEvent } from './stored-event';

/**
 * A service's outbox relay with the Kafka publisher it sends through: started once the service has
 * booted, stopped (its last batch acknowledged) before it closes — Nest calls the two hooks. A
 * service subclasses it to say where its events go and how they look there.
 */
export abstract class PublishingRelay {
  protected readonly publisher: EventPublisher;
  private readonly relay: OutboxRelay;
  private unregister?: () => void;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    kafka: Kafka,
    private readonly registry: Pick<ProcessorRegistry, 'register'>,
    options: Omit<RelayOptions, 'publish'>,
  ) {
    this.publisher = new EventPublisher(kafka);
    this.relay = new OutboxRelay(dataSource, store, { ...options, publish: (events) => this.publish(events) });
  }

  /** Produces a batch of the log, in order, and resolves once the broker acknowledged all of it. */
  protected abstract publish(events: StoredEvent[]): Promise<void>;

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
