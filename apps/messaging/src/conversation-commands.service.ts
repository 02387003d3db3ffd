import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, handleCommand } from '@petalpost/event-store';
import { currentContext, SERVICE_CONFIG } from '@petalpost/platform';
import type { Rules } from './domain/conversation.commands';
import type { ConversationCommand } from './domain/conversation.commands';
import { conversationDecider } from './domain/conversation.decider';
import { conversationStream } from './domain/conversation.events';
import type { ConversationState } from './domain/conversation.state';
import { type ShopChannelCommand, shopChannelDecider, type ShopChannelState, shopChannelStream } from './domain/shop-channel';
import { quickRepliesDecider, quickRepliesStream, type QuickRepliesCommand, type QuickRepliesState } from './domain/quick-replies';
import type { MessagingConfig } from './messaging.config';

export interface ConversationCommandRequest {
  actor?: Actor;
  /** Already scoped to the caller, so two callers choosing the same key never collide. */
  idempotency?: { key: string; fingerprint: string };
  /** Refuses callers who may not see this conversation (404). */
  authorize?(state: ConversationState): void;
  /** The message that caused this command, and the conversation it belongs to, when it came over Kafka. */
  causationId?: string;
  correlationId?: string;
}

/** The one way a command reaches a conversation (or a shop's channel or quick replies), from HTTP and from orders.events alike. */
@Injectable()
export class ConversationCommands {
  readonly rules: Rules;

  constructor(
    private readonly store: EventStore,
    @Inject(SERVICE_CONFIG) config: MessagingConfig,
  ) {
    this.rules = { riderGraceMinutes: config.RIDER_GRACE_MINUTES, recallSeconds: config.MESSAGING_RECALL_SECONDS };
  }

  execute(orderId: string, command: ConversationCommand, request: ConversationCommandRequest = {}): Promise<CommandResult<ConversationState>> {
    return handleCommand(this.store, conversationDecider, {
      streamId: conversationStream(orderId),
      command,
      metadata: this.metadata(command.now, request),
      idempotency: request.idempotency,
      authorize: request.authorize,
    });
  }

  async conversation(orderId: string): Promise<ConversationState> {
    return foldEvents(conversationDecider, await this.store.readStream(conversationStream(orderId)));
  }

  shopChannel(channelId: string, command: ShopChannelCommand, request: ConversationCommandRequest): Promise<CommandResult<ShopChannelState>> {
    return handleCommand(this.store, shopChannelDecider, {
      streamId: shopChannelStream(channelId),
      command,
      metadata: this.metadata(command.now, request),
      idempotency: request.idempotency,
      freshStream: command.type === 'OpenShopChannel',
    });
  }

  async shopChannelState(channelId: string): Promise<ShopChannelState> {
    return foldEvents(shopChannelDecider, await this.store.readStream(shopChannelStream(channelId)));
  }

  setQuickReplies(command: QuickRepliesCommand, request: ConversationCommandRequest): Promise<CommandResult<QuickRepliesState>> {
    return handleCommand(this.store, quickRepliesDecider, {
      streamId: quickRepliesStream(command.shopId),
      command,
      metadata: this.metadata(command.now, request),
      idempotency: request.idempotency,
    });
  }

  async quickReplies(shopId: string): Promise<QuickRepliesState> {
    return foldEvents(quickRepliesDecider, await this.store.readStream(quickRepliesStream(shopId)));
  }

  private metadata(now: string, request: ConversationCommandRequest) {
    const context = currentContext();
    return {
      correlationId: request.correlationId ?? context?.correlationId ?? randomUUID(),
      causationId: request.causationId ?? context?.causationId,
      traceparent: context?.traceparent,
      ...(request.actor ? { actor: request.actor } : {}),
      occurredAt: now,
    };
  }
}
