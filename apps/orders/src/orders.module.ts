import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DeliverySlotsController } from './delivery-slots/api/delivery-slots.controller';
import { OrdersController } from './orders/api/orders.controller';
import { OrdersQueryController } from './orders/api/orders-query.controller';
import { PeopleController } from './personal-data/api/people.controller';
import { orderCommandsConsumer } from './orders/consumers/order-commands.consumer';
import { DeliverySlots } from './delivery-slots/delivery-slots.service';
import { INTAKE_MIGRATIONS, type IntakeSliceOptions, intakeSlice } from './intake/intake.module';
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
 * services send over Kafka, the read models, the relay of the log to Kafka, and the intake of
 * orders from the shops' own systems.
 */
@Module({})
export class OrdersModule {
  /** `intake`: what tests change of the intake slice (a platform connector of their own). */
  static forRoot(config: OrdersConfig, logger: Logger, intakeOptions: IntakeSliceOptions = {}): DynamicModule {
    const masterKey = masterKeyFrom(config);
    const intake = intakeSlice(config, intakeOptions);
    const foundation = serviceFoundation('orders', config, logger, {
      migrations: [
        OrderSummaries1764000000200,
        PersonalDataKeys1764000000300,
        OrderSummariesPeople1764000000400,
        OrderSummariesDeliveredAt1764000000500,
        ...INTAKE_MIGRATIONS,
      ],
      eventLog: { upcasters: ORDER_UPCASTERS },
    });
    return {
      module: OrdersModule,
      imports: foundation.imports,
      controllers: [OrdersController, OrdersQueryController, PeopleController, DeliverySlotsController, ...intake.controllers],
      providers: [
        ...foundation.providers,
        { provide: PersonalDataVault, inject: [DataSource], useFactory: (dataSource: DataSource) => new PersonalDataVault(dataSource, masterKey) },
        DeliverySlots,
        OrderCommands,
        ordersRelay,
        orderProjections,
        orderCommandsConsumer,
        ...intake.providers,
      ],
    };
  }
}
