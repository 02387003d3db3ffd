import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { inboxMigration, KafkaModule } from '@petalpost/kafka';
import { PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { orderEventsConsumer } from './consumers/order-events.consumer';
import { Conversation } from './conversations/conversation.entity';
import { ConversationsController } from './conversations/conversations.controller';
import { Conversations1764000000200 } from './conversations/conversations.migration';
import type { MessagingConfig } from './messaging.config';

/** The messaging service: per-order conversations. Today: every placed order opens one. */
@Module({})
export class MessagingModule {
  static forRoot(config: MessagingConfig, logger: Logger): DynamicModule {
    return {
      module: MessagingModule,
      imports: [
        PlatformModule.forService({ config, logger, database: { schema: config.DATABASE_SCHEMA, entities: [Conversation], migrations: [inboxMigration(), Conversations1764000000200] } }),
        KafkaModule.forService('messaging', config, logger),
        TypeOrmModule.forFeature([Conversation]),
      ],
      controllers: [ConversationsController],
      providers: [orderEventsConsumer],
    };
  }
}
