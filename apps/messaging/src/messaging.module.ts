import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import type { Logger } from 'pino';
import { AttachmentArrangementPurpose1768000000100, AttachmentIdempotency1768000000400, Attachments1764000000450, AttachmentsModule } from './attachments';
import {
  ConversationInbox1764000000600,
  ConversationMessages1766000000700,
  ConversationMessageSystem1768000000200,
  ConversationReadPositions1768000000000,
  Conversations1764000000200,
  ConversationsController,
  messagingCommandsConsumer,
  messagingProjections,
  orderEventsConsumer,
  QuickRepliesController,
  ShopChannels1768000000300,
  ShopChannelsController,
} from './conversations';
import { ExceptionReports1764000000500, ExceptionsModule } from './exceptions';
import type { MessagingConfig } from './messaging.config';
import { orderAssignmentsConsumer } from './order-assignments';
import { messagingRelay, MessagingRelayCheckpoint1767000000000 } from './relay';

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
        ConversationReadPositions1768000000000,
        AttachmentArrangementPurpose1768000000100,
        ConversationMessageSystem1768000000200,
        ShopChannels1768000000300,
        AttachmentIdempotency1768000000400,
      ],
      eventLog: {},
    });
    return {
      module: MessagingModule,
      imports: [...foundation.imports, AttachmentsModule, ExceptionsModule],
      controllers: [ConversationsController, QuickRepliesController, ShopChannelsController],
      providers: [...foundation.providers, messagingRelay, messagingProjections, orderEventsConsumer, messagingCommandsConsumer, orderAssignmentsConsumer],
    };
  }
}
