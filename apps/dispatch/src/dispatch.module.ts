import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { inboxMigration, KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { orderEventsConsumer } from './consumers/order-events.consumer';
import { DeliveriesController } from './deliveries/deliveries.controller';
import { DeliveriesRecipients1764000000500 } from './deliveries/deliveries-recipients.migration';
import { Deliveries1764000000100 } from './deliveries/deliveries.migration';
import { Delivery } from './deliveries/delivery.entity';
import type { DispatchConfig } from './dispatch.config';

/** The dispatch service: who delivers what, and when. Today: the delivery board. */
@Module({})
export class DispatchModule {
  static forRoot(config: DispatchConfig, logger: Logger): DynamicModule {
    return {
      module: DispatchModule,
      imports: [
        PlatformModule.forService({ config, logger, database: { schema: config.DATABASE_SCHEMA, entities: [Delivery], migrations: [inboxMigration(), Deliveries1764000000100, DeliveriesRecipients1764000000500] } }),
        KafkaModule.forService('dispatch', config, logger),
        TypeOrmModule.forFeature([Delivery]),
      ],
      controllers: [DeliveriesController],
      providers: [orderEventsConsumer],
    };
  }
}
