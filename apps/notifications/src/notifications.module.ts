import { type DynamicModule, Module } from '@nestjs/common';
import { inboxMigration, KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { orderEventsConsumer } from './consumers/order-events.consumer';
import type { NotificationsConfig } from './notifications.config';
import { PushGateway } from './push/push.gateway';

/** The notifications service: consumes what happened and tells each party what they may see. */
@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig, logger: Logger): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        PlatformModule.forService({ config, logger, database: { schema: config.DATABASE_SCHEMA, migrations: [inboxMigration()] } }),
        KafkaModule.forService('notifications', config, logger),
      ],
      providers: [PushGateway, orderEventsConsumer],
    };
  }
}
