import type { DynamicModule, Provider } from '@nestjs/common';
import { DeadLettersAdminModule, deadLetterSourcesOf, inboxMigration, KafkaDeadLetterReplays1782000000000, KafkaModule } from '@petalpost/kafka';
import { type DatabaseOptions, PlatformModule, type ServiceConfig } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventStore, type Upcasters } from './event-store';
import { EventStore1764000000000 } from './event-store.migration';
import { ProjectionsAdminModule } from './projections-admin';

/** What a service brings to its foundation beyond its name, config and logger. */
export interface ServiceFoundationOptions {
  /** The service's own migrations, in the order they run: after the inbox's and, for an event-sourced service, the event log's. */
  migrations: Array<new () => object>;
  entities?: DatabaseOptions['entities'];
  /** Whether the service keeps an event log (an EventStore to inject), with the upcasters of its old event shapes. */
  eventLog: false | { upcasters?: Upcasters };
}

/** What a root module imports and provides before anything of its own. */
export interface ServiceFoundation {
  imports: DynamicModule[];
  providers: Provider[];
}

/**
 * Migrations run in order: the inbox and the record of replayed dead letters, the event log if the
 * service keeps one, then the service's own (theirs may build on them).
 */
export function serviceMigrations(eventSourced: boolean, own: Array<new () => object>): Array<new () => object> {
  return [inboxMigration(), KafkaDeadLetterReplays1782000000000, ...(eventSourced ? [EventStore1764000000000] : []), ...own];
}

/**
 * The part every service's root module shares: the platform (config, logger, database with the
 * inbox, the event log when there is one, then the service's migrations), its Kafka client and,
 * for an event-sourced service, the EventStore over its database. Operators get the service's
 * projections (when it keeps a log) and the dead letters of its consumer groups (when it has any)
 * under /admin. The name is the service's: Kafka's client id and the `<service>` of its groups.
 */
export function serviceFoundation(
  name: string,
  config: ServiceConfig & { DATABASE_SCHEMA: string },
  logger: Logger,
  { migrations, entities, eventLog }: ServiceFoundationOptions,
): ServiceFoundation {
  const database = { schema: config.DATABASE_SCHEMA, ...(entities ? { entities } : {}), migrations: serviceMigrations(eventLog !== false, migrations) };
  const providers: Provider[] = eventLog
    ? [{ provide: EventStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new EventStore(dataSource, eventLog.upcasters) }]
    : [];
  return {
    imports: [
      PlatformModule.forService({ config, logger, database }),
      KafkaModule.forService(name, config, logger),
      ...(eventLog ? [ProjectionsAdminModule.forService()] : []),
      ...(deadLetterSourcesOf(name, '').length > 0 ? [DeadLettersAdminModule.forService(name)] : []),
    ],
    providers,
  };
}
