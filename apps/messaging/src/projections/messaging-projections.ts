import { Inject, Injectable } from '@nestjs/common';
import { EventStore, ProjectionHost, ServiceProjections } from '@petalpost/event-store';
import { LOGGER, ProcessorRegistry } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { conversationInboxProjection } from './conversation-inbox/conversation-inbox.projection';
import { conversationMessagesProjection } from './conversation-messages/conversation-messages.projection';

/** The read models of the conversations, kept up to date from the log while the service runs. */
@Injectable()
export class MessagingProjections extends ServiceProjections {
  constructor(dataSource: DataSource, store: EventStore, @Inject(LOGGER) logger: Logger, @Inject(ProcessorRegistry) registry: ProcessorRegistry) {
    super(new ProjectionHost(dataSource, store, [conversationInboxProjection, conversationMessagesProjection], { logger, idleDelayMs: 25 }), registry);
  }
}
