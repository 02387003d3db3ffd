import { type DynamicModule, Module } from '@nestjs/common';
import { EventStore, EventStore1764000000000 } from '@petalpost/event-store';
import { KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OrdersController } from './api/orders.controller';
import type { OrdersConfig } from './orders.config';
import { OrdersRelay } from './relay/orders-relay';

/** The orders service: the order aggregate, its API, and the relay of its log to Kafka. */
@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig, logger: Logger): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        PlatformModule.forService({ config, logger, database: { schema: config.DATABASE_SCHEMA, migrations: [EventStore1764000000000] } }),
        KafkaModule.forService('orders', config, logger),
      ],
      controllers: [OrdersController],
      providers: [
        { provide: EventStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new EventStore(dataSource) },
        OrdersRelay,
      ],
    };
  }
}
