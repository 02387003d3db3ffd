import type { InjectionToken, Provider } from '@nestjs/common';
import { type IntegrationEvent, namespaced } from '@petalpost/contracts';
import { EventPublisher, headersFor, KAFKA, kafkajsDriver, type OutgoingMessage, platformaticDriver } from '@petalpost/kafka';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventStore } from './event-store';
import { OutboxRelay } from './relay';
import type { StoredEvent } from './stored-event';

/** One topic a relay publishes to, and what of each batch goes there. */
export interface RelayRoute {
  /** The un-namespaced contract name, e.g. `orders.events`. */
  topic: string;
  /** The messages a batch of the log makes on this topic, in log order (none is fine). */
  messages(batch: StoredEvent[]): OutgoingMessage[] | Promise<OutgoingMessage[]>;
}

/** What a service says about the relay of its log. */
export interface RelayDefinition {
  /** Names the checkpoint and the leader lock, e.g. `orders.relay`. */
  name: string;
  /**
   * Sent one after the other for each batch; the checkpoint moves once every route's messages
   * were acknowledged, so a command goes out if and only if the event that implies it committed.
   */
  routes: RelayRoute[];
}

/** An integration event as a message keyed by its stream id, with its headers. */
export function keyedByStream(event: IntegrationEvent): OutgoingMessage {
  return { key: event.streamId, value: event, headers: headersFor(event) };
}

/**
 * A log's outbox relay with the Kafka publisher it sends through: started once the service has
 * booted, stopped (its last batch acknowledged) before it closes — Nest calls the two hooks.
 */
export class PublishingRelay {
  private readonly publisher: EventPublisher;
  private readonly relay: OutboxRelay;
  private unregister?: () => void;

  constructor(
    dataSource: DataSource,
    store: EventStore,
    publisher: EventPublisher,
    private readonly registry: Pick<ProcessorRegistry, 'register'>,
    logger: Logger,
    definition: { name: string; routes: RelayRoute[] },
  ) {
    this.publisher = publisher;
    this.relay = new OutboxRelay(dataSource, store, {
      name: definition.name,
      logger,
      publish: async (batch) => {
        for (const route of definition.routes) await this.publisher.send(route.topic, await route.messages(batch));
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

/**
 * The relay of the service's log (the EventStore provider) as a Nest provider: topics namespaced
 * by KAFKA_NAMESPACE, counted by readiness, one leader per service. One per log.
 */
export function outboxRelay<Deps extends unknown[]>(token: string, define: (...deps: Deps) => RelayDefinition, inject: InjectionToken[] = []): Provider {
  return {
    provide: token,
    inject: [DataSource, EventStore, KAFKA, SERVICE_CONFIG, LOGGER, ProcessorRegistry, ...inject],
    useFactory: (
      dataSource: DataSource,
      store: EventStore,
      kafka: Kafka,
      config: ServiceConfig,
      logger: Logger,
      registry: ProcessorRegistry,
      ...deps: Deps
    ) => {
      const { name, routes } = define(...deps);
      const namespacedRoutes = routes.map((route) => ({ topic: namespaced(route.topic, config.KAFKA_NAMESPACE), messages: route.messages }));
      return new PublishingRelay(dataSource, store, relayPublisher(kafka, config, name), registry, logger, { name, routes: namespacedRoutes });
    },
  };
}

/**
 * The relay's producer: @platformatic/kafka unless KAFKA_RELAY_CLIENT says kafkajs. Both pass the
 * client conformance; in the same bench run the new one acknowledged a relay's batches sooner
 * (docs/kafka.md, docs/benchmarks.md section 9). Consumers stay on kafkajs, which consumed faster.
 */
function relayPublisher(kafka: Kafka, config: ServiceConfig, relayName: string): EventPublisher {
  const driver =
    config.KAFKA_RELAY_CLIENT === 'platformatic'
      ? platformaticDriver({ clientId: namespaced(relayName, config.KAFKA_NAMESPACE), brokers: config.KAFKA_BROKERS })
      : kafkajsDriver(kafka);
  return new EventPublisher(driver.producer());
}
