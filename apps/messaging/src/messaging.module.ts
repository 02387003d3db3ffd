import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import { ConversationsController } from './conversations/api/conversations.controller';
import { QuickRepliesController } from './conversations/api/quick-replies.controller';
import { ShopChannelsController } from './conversations/api/shop-channels.controller';
import { Attachments1764000000450, AttachmentsModule } from './attachments/attachments.module';
import { ExceptionReports1764000000500, ExceptionsModule } from './exceptions/exceptions.module';
import { messagingCommandsConsumer } from './conversations/consumers/messaging-commands.consumer';
import { orderEventsConsumer } from './conversations/consumers/order-events.consumer';
import { Conversations1764000000200 } from './conversations/conversations.migration';
import type { MessagingConfig } from './messaging.config';
import { ConversationInbox1764000000600 } from './conversations/projections/conversation-inbox/conversation-inbox.migration';
import { ConversationMessages1766000000700 } from './conversations/projections/conversation-messages/conversation-messages.migration';
import { messagingProjections } from './conversations/projections/conversation-projections';
import { messagingRelay } from './relay/messaging-relay';
import { MessagingRelayCheckpoint1767000000000 } from './relay/messaging-relay.migration';

/**
 * The messaging service: per-order conversations (event-sourced in the service's log, published
 * on `messaging.events` by the relay), the shops' quick replies, exception reports, attachments.
 */
@Module({})
export class MessagingModule {
  static forRoot(config: MessagingConfig, logger: Logger): DynamicModule {
    const foundation = serviceFoundation('messaging', config, logger, {
      migrations: [
        Conversations1764000000200,
        Attachments1764000000450,
        ExceptionReports1764000000500,
        ConversationInbox1764000000600,
        ConversationMessages1766000000700,
        MessagingRelayCheckpoint1767000000000,
      ],
      eventLog: {},
    });
    return {
      module: MessagingModule,
      imports: [...foundation.imports, AttachmentsModule, ExceptionsModule],
      controllers: [ConversationsController, QuickRepliesController, ShopChannelsController],
      providers: [...foundation.providers, messagingRelay, messagingProjections, orderEventsConsumer, messagingCommandsConsumer],
    };
  }
}
