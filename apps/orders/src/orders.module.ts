import { type DynamicModule, Module } from '@nestjs/common';
import { EventStore, EventStore1764000000000 } from '@petalpost/event-store';
import { KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { OrdersController } from './api/orders.controller';
import { OrdersQueryController } from './api/orders-query.controller';
import { ProjectionsController } from './api/projections.controller';
import type { OrdersConfig } from './orders.config';
import { OrderSummaries1764000000200 } from './projections/order-summaries/order-summaries.migration';
import { OrdersProjections } from './projections/orders-projections';
import { OrdersRelay } from './relay/orders-relay';

/** The orders service: the order aggregate, its API, its read models and the relay of its log to Kafka. */
@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig, logger: Logger): DynamicModule {
    return {
      module: OrdersModule,
      imports: [
        PlatformModule.forService({ config, logger, database: { schema: config.DATABASE_SCHEMA, migrations: [EventStore1764000000000, OrderSummaries1764000000200] } }),
        KafkaModule.forService('orders', config, logger),
      ],
      controllers: [OrdersController, OrdersQueryController, ProjectionsController],
      providers: [
        { provide: EventStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new EventStore(dataSource) },
        OrdersRelay,
        OrdersProjections,
      ],
    };
  }
}
