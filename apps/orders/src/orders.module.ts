import { type DynamicModule, Module } from '@nestjs/common';
import { EventStore, EventStore1764000000000 } from '@petalpost/event-store';
import { inboxMigration, KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DeliverySlotsController } from './delivery-slots/api/delivery-slots.controller';
import { OrdersController } from './orders/api/orders.controller';
import { OrdersQueryController } from './orders/api/orders-query.controller';
import { PeopleController } from './personal-data/api/people.controller';
import { ProjectionsController } from './orders/api/projections.controller';
import { orderCommandsConsumer } from './orders/consumers/order-commands.consumer';
import { DeliverySlots } from './delivery-slots/delivery-slots.service';
import { ORDER_UPCASTERS } from './orders/domain/order.upcasters';
import { OrderCommands } from './orders/order-commands.service';
import type { OrdersConfig } from './orders.config';
import { PersonalDataKeys1764000000300 } from './personal-data/personal-data.migration';
import { masterKeyFrom } from './personal-data/personal-data.config';
import { PersonalDataVault } from './personal-data/personal-data-vault';
import { OrderSummaries1764000000200 } from './orders/projections/order-summaries/order-summaries.migration';
import { OrderSummariesDeliveredAt1764000000500 } from './orders/projections/order-summaries/order-summaries-delivered-at.migration';
import { OrderSummariesPeople1764000000400 } from './orders/projections/order-summaries/order-summaries-people.migration';
import { orderProjections } from './orders/projections/orders-projections';
import { ordersRelay } from './orders-relay';

/**
 * The orders service: the order aggregate and its delivery slots, the API, the commands other
 * services send over Kafka, the read models and the relay of the log to Kafka.
 */
@Module({})
export class OrdersModule {
  static forRoot(config: OrdersConfig, logger: Logger): DynamicModule {
    const masterKey = masterKeyFrom(config);
    return {
      module: OrdersModule,
      imports: [
        PlatformModule.forService({
          config,
          logger,
          database: {
            schema: config.DATABASE_SCHEMA,
            migrations: [
              inboxMigration(),
              EventStore1764000000000,
              OrderSummaries1764000000200,
              PersonalDataKeys1764000000300,
              OrderSummariesPeople1764000000400,
              OrderSummariesDeliveredAt1764000000500,
            ],
          },
        }),
        KafkaModule.forService('orders', config, logger),
      ],
      controllers: [OrdersController, OrdersQueryController, ProjectionsController, PeopleController, DeliverySlotsController],
      providers: [
        { provide: EventStore, inject: [DataSource], useFactory: (dataSource: DataSource) => new EventStore(dataSource, ORDER_UPCASTERS) },
        { provide: PersonalDataVault, inject: [DataSource], useFactory: (dataSource: DataSource) => new PersonalDataVault(dataSource, masterKey) },
        DeliverySlots,
        OrderCommands,
        ordersRelay,
        orderProjections,
        orderCommandsConsumer,
      ],
    };
  }
}
