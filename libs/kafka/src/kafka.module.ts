import { type DynamicModule, type InjectionToken, Module, type Provider } from '@nestjs/common';
import { type ConsumerGroup, namespaced } from '@petalpost/contracts';
import { LOGGER, ProcessorRegistry, SERVICE_CONFIG, type ServiceConfig } from '@petalpost/platform';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ConsumerHost } from './consumer-host';
import type { MessageHandler } from './message-processor';
import { createKafka } from './kafka-client';

/** The service's kafkajs client. */
export const KAFKA = Symbol('KAFKA');

/** Provides the service's Kafka client (KAFKA) to every module of the service. */
@Module({})
export class KafkaModule {
  static forService(clientId: string, config: Pick<ServiceConfig, 'KAFKA_BROKERS'>, logger: Logger): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      providers: [{ provide: KAFKA, useFactory: () => createKafka({ clientId, brokers: config.KAFKA_BROKERS, logger }) }],
      exports: [KAFKA],
    };
  }
}

/** What a service says about one of its consumers; names are un-namespaced contract names. */
export interface ConsumerDefinition {
  /** Its group and topics, as libs/contracts declares them (CONSUMER_GROUPS): the one list of who reads what. */
  subscription: ConsumerGroup;
  handle: MessageHandler;
  /**
   * Consecutive messages of a partition share a transaction (up to MESSAGES_PER_SHARED_TRANSACTION):
   * for handlers that write only through their manager (see ConsumerHostOptions.messagesPerTransaction).
   */
  sharesTransactions?: boolean;
}

/**
 * Enough that one commit serves many messages under load; few enough that the transaction stays
 * short: every relay and projection of the cluster waits for the oldest open transaction that
 * holds a transaction id (docs/event-store.md).
 */
export const MESSAGES_PER_SHARED_TRANSACTION = 20;

/**
 * A consumer as a Nest provider: namespaced by KAFKA_NAMESPACE, counted by readiness, joined to its
 * group once the app has booted and gone (in-flight message finished and committed) before it closes.
 */
export function kafkaConsumer<Deps extends unknown[]>(token: string, define: (...deps: Deps) => ConsumerDefinition, inject: InjectionToken[] = []): Provider {
  return {
    provide: token,
    inject: [DataSource, KAFKA, SERVICE_CONFIG, LOGGER, ProcessorRegistry, ...inject],
    useFactory: (dataSource: DataSource, kafka: Kafka, config: ServiceConfig, logger: Logger, registry: ProcessorRegistry, ...deps: Deps) => {
      const { subscription, handle, sharesTransactions = false } = define(...deps);
      return new ConsumerHost({
        kafka,
        dataSource,
        logger,
        registry,
        groupId: namespaced(subscription.group, config.KAFKA_NAMESPACE),
        topics: subscription.topics.map((topic) => namespaced(topic, config.KAFKA_NAMESPACE)),
        handle,
        messagesPerTransaction: sharesTransactions ? MESSAGES_PER_SHARED_TRANSACTION : 1,
        // A group's first start reads what the topics still hold: whatever was published before it
        // joined (a new service, a new projection) is not skipped. The inbox makes it idempotent.
        fromBeginning: true,
      });
    },
  };
}
