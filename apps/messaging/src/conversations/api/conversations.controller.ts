import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@petalpost/auth';
import { type ConversationChannelSchema, DomainError } from '@petalpost/contracts';
import { type CommandResult, EventStore, fromRequest, readState, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, EmptyBody, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import type { z } from 'zod';
import { DataSource } from 'typeorm';
import { decodeConversationCursor, encodeConversationCursor, listConversations } from '../projections/conversation-inbox/conversation-inbox.queries';
import { readerOf } from '../projections/conversation-inbox/conversation-inbox.projection';
import { channelPage, conversationOverview } from '../projections/conversation-messages/conversation-messages.queries';
import { type Channel, CHANNELS, channelAccess, readableChannels, seesReadReceipts, type Viewer } from '../domain/channel-access';
import type { ConversationCommand, Rules } from '../domain/conversation.commands';
import { conversationDecider, conversationNotFound } from '../domain/conversation.decider';
import { conversationStream } from '../domain/conversation.events';
import { quickRepliesDecider, quickRepliesOf, quickRepliesStream } from '../domain/quick-replies';
import { conversationRules, type ConversationsConfig } from '../conversations.config';
import { type Conversation, type Message, readerKey } from '../domain/conversation.state';
import {
  ChannelReadView,
  ConversationList,
  ConversationsQuery,
  ConversationView,
  EditMessageBody,
  MarkReadBody,
  MessagePage,
  MessagesQuery,
  MessageView,
  PostMessageBody,
} from './conversation.dto';

/**
 * An order's conversation: two channels (internal, customer), each readable and writable by
 * whom domain/channel-access.ts says. Whoever may not read a channel gets 404 for it; whoever
 * may read no channel gets 404 for the conversation.
 */
@ApiTags('conversations')
@ApiErrors(400, 401, 403, 404, 409)
@Controller('conversations')
export class ConversationsController {
  private readonly rules: Rules;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) config: ConversationsConfig,
  ) {
    this.rules = conversationRules(config);
  }

  @Get()
  @ApiOperation({
    summary:
      'Your conversations, most recently active first, with your unread count per channel, in cursor pages (a read model: trails the log by milliseconds)',
  })
  @ZodResponse({ status: 200, type: ConversationList })
  async list(@Query() query: ConversationsQuery, @CurrentPrincipal() principal: Principal) {
    const page = await listConversations(this.dataSource, principal, viewerOf(principal), this.policy(), {
      unread: query.unread,
      after: query.cursor !== undefined ? decodeConversationCursor(query.cursor) : undefined,
      limit: query.limit,
    });
    return { items: page.items, nextCursor: page.next ? encodeConversationCursor(page.next) : null };
  }

  @Get(':orderId')
  @ApiOperation({
    summary:
      "An order's conversation: the channels you may read, with your unread counts and, for the shop's desk, how far each reader has read (404 if you may read none; a read model: trails the log by milliseconds)",
  })
  @ZodResponse({ status: 200, type: ConversationView })
  async get(@Param('orderId', ParseUUIDPipe) orderId: string, @CurrentPrincipal() principal: Principal) {
    // From the read models, as the list is: a long conversation is not folded per request.
    const conversation = await conversationOverview(this.dataSource, orderId, readerOf(principal.role, principal.sub));
    const viewer = viewerOf(principal);
    const policy = this.policy();
    const channels = conversation ? readableChannels(viewer, conversation.facts, policy) : [];
    if (!conversation || channels.length === 0) throw conversationNotFound();
    const { facts } = conversation;
    const shopRole = principal.role !== 'customer' && principal.role !== 'rider';
    return {
      orderId,
      shopId: facts.shopId,
      channels: channels.map((channel) => ({
        channel,
        unread: conversation.unread[channel] ?? 0,
        canPost: channelAccess(viewer, channel, facts, policy).post,
        ...(seesReadReceipts(viewer, channel, facts, policy) ? { readers: conversation.readPositions[channel] ?? [] } : {}),
      })),
      ...(shopRole && facts.riderId !== undefined ? { riderId: facts.riderId } : {}),
      openedAt: conversation.openedAt,
    };
  }

  @Get(':orderId/channels/:channel/messages')
  @ApiOperation({ summary: 'The messages of a channel, oldest first, in cursor pages (a read model: trails the log by milliseconds)' })
  @ZodResponse({ status: 200, type: MessagePage })
  async messages(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Query() query: MessagesQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const channel = channelOf(channelParam);
    // From the read model (it trails the log by milliseconds): a long conversation is not folded per request.
    const page = await channelPage(this.dataSource, orderId, channel, query.after ?? 0, query.limit);
    if (!page || !channelAccess(viewerOf(principal), channel, page.facts, this.policy()).read) throw conversationNotFound();
    return {
      items: page.items.map((m) => messageView(m, principal, this.rules)),
      nextCursor: page.more ? String(page.items[page.items.length - 1].seq) : null,
    };
  }

  @Post(':orderId/channels/:channel/messages')
  @ApiCommand('Post a message (text or a quick reply, with attachment refs and @mentions)')
  @ZodResponse({ status: 201, type: MessageView })
  async post(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Body() body: PostMessageBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const { principal } = request;
    const channel = channelOf(channelParam);
    const quickReply = body.quickReplyId !== undefined ? await this.quickReply(orderId, principal, channel, body.quickReplyId) : undefined;
    const { text, attachmentRefs } = body;
    const command: ConversationCommand = {
      type: 'PostMessage',
      channel,
      messageId: randomUUID(),
      author: viewerOf(principal),
      text,
      quickReply,
      attachmentRefs,
      rules: this.rules,
      now: now(),
    };
    const result = await this.run(request, orderId, command, ['messages', orderId, channel, body]);
    const postedId = result.events.find((e) => e.type === 'MessagePosted')?.data as { messageId: string } | undefined;
    // A replay answers with what the first request posted: the last message at the version it appended.
    const message = postedId ? result.state.messages.find((m) => m.messageId === postedId.messageId) : result.state.messages.at(-1);
    if (!message) throw conversationNotFound();
    return answer(request, result, messageView(message, principal, this.rules));
  }

  @Patch(':orderId/channels/:channel/messages/:messageId')
  @ApiCommand('Edit your own message (the log keeps what it said before, for the shop)')
  @ZodResponse({ status: 200, type: MessageView })
  async edit(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Param('messageId') messageId: string,
    @Body() body: EditMessageBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const command: ConversationCommand = {
      type: 'EditMessage',
      channel: channelOf(channelParam),
      messageId,
      editor: viewerOf(request.principal),
      text: body.text,
      rules: this.rules,
      now: now(),
    };
    return this.changed(messageId, request, await this.run(request, orderId, command, ['edit', orderId, channelParam, messageId, body]));
  }

  @Post(':orderId/channels/:channel/messages/:messageId/recall')
  @ApiCommand('Recall your own message from view, within MESSAGING_RECALL_SECONDS of posting (the log keeps it for the shop)')
  @ZodResponse({ status: 200, type: MessageView })
  async recall(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Param('messageId') messageId: string,
    @Body() _body: EmptyBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const command: ConversationCommand = {
      type: 'RecallMessage',
      channel: channelOf(channelParam),
      messageId,
      by: viewerOf(request.principal),
      rules: this.rules,
      now: now(),
    };
    return this.changed(messageId, request, await this.run(request, orderId, command, ['recall', orderId, channelParam, messageId]));
  }

  private changed(messageId: string, request: CommandRequest, result: CommandResult<Conversation>) {
    const message = result.state.messages.find((m) => m.messageId === messageId);
    if (!message) throw conversationNotFound();
    return answer(request, result, messageView(message, request.principal, this.rules));
  }

  /** A conversation command from a request; a conversation that is not there is not found. */
  private async run(request: CommandRequest, orderId: string, command: ConversationCommand, fingerprint: unknown[]): Promise<CommandResult<Conversation>> {
    const result = await runCommand(this.store, conversationDecider, conversationStream(orderId), command, fromRequest(request, fingerprint));
    if (result.state.status === 'none') throw conversationNotFound();
    return { ...result, state: result.state };
  }

  @Post(':orderId/channels/:channel/read')
  @ApiCommand('Mark the channel read up to a message (a read receipt); answers your unread count')
  @ZodResponse({ status: 200, type: ChannelReadView })
  async read(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Body() body: MarkReadBody,
    @CommandRequest() request: CommandRequest,
  ) {
    const channel = channelOf(channelParam);
    const reader = viewerOf(request.principal);
    const command: ConversationCommand = { type: 'MarkRead', channel, reader, upToMessageId: body.upToMessageId, rules: this.rules, now: now() };
    const result = await this.run(request, orderId, command, ['read', orderId, channel, body]);
    return answer(request, result, { channel, unread: unreadIn(result.state, channel, reader) });
  }

  private policy() {
    return { now: now(), riderGraceMinutes: this.rules.riderGraceMinutes };
  }

  /** The conversation, if the principal may read it at all (or the given channel). */
  private async visible(orderId: string, principal: Principal, channel?: Channel): Promise<Conversation> {
    const state = await readState(this.store, conversationDecider, conversationStream(orderId));
    if (state.status === 'none') throw conversationNotFound();
    const viewer = viewerOf(principal);
    const readable = channel ? [channel] : CHANNELS;
    if (!readable.some((c) => channelAccess(viewer, c, state, this.policy()).read)) throw conversationNotFound();
    return state;
  }

  private async quickReply(orderId: string, principal: Principal, channel: Channel, id: string) {
    const conversation = await this.visible(orderId, principal, channel);
    const reply = quickRepliesOf(await readState(this.store, quickRepliesDecider, quickRepliesStream(conversation.shopId))).replies.find((r) => r.id === id);
    if (!reply) throw new DomainError('invalid', 'QUICK_REPLY_UNKNOWN', `the shop has no quick reply ${id}`);
    return reply;
  }
}

export function viewerOf(principal: Principal): Viewer {
  return { role: principal.role, sub: principal.sub, shopId: principal.shopId, orderId: principal.orderId };
}

const now = () => new Date().toISOString();

function channelOf(value: string): z.infer<typeof ConversationChannelSchema> {
  if (!(CHANNELS as readonly string[]).includes(value)) throw new DomainError('not_found', 'CHANNEL_NOT_FOUND', 'no such channel');
  return value as Channel;
}

/** Messages of others after the last one the viewer read (or wrote). */
function unreadIn(conversation: Conversation, channel: Channel, viewer: Viewer): number {
  const upTo = conversation.readUpTo[readerKey(channel, { role: viewer.role, subject: viewer.sub })] ?? 0;
  return conversation.messages.filter((m) => m.channel === channel && m.seq > upTo && !(m.author?.role === viewer.role && m.author.subject === viewer.sub))
    .length;
}

/**
 * A message as the principal may see it: the shop's staff (and operators) see the full history of
 * it; its author, until when they may recall it.
 */
function messageView(m: Message, principal: Principal, rules: Rules) {
  const audits = principal.role === 'staff' || principal.role === 'operator';
  const ownUnrecalled = m.author?.role === principal.role && m.author.subject === principal.sub && m.recalledAt === undefined;
  const base = {
    messageId: m.messageId,
    seq: m.seq,
    channel: m.channel,
    author: m.author,
    ...(m.system ? { system: m.system } : {}),
    postedAt: m.postedAt,
    ...(m.edits.length > 0 ? { editedAt: m.edits[m.edits.length - 1].editedAt } : {}),
    ...(audits && m.edits.length > 0 ? { edits: m.edits } : {}),
    recalled: m.recalledAt !== undefined,
    ...(m.recalledAt !== undefined ? { recalledAt: m.recalledAt } : {}),
    ...(ownUnrecalled ? { recallableUntil: new Date(Date.parse(m.postedAt) + rules.recallSeconds * 1000).toISOString() } : {}),
  };
  if (m.recalledAt !== undefined && !audits) return { ...base, text: 'recalled', attachmentRefs: [], mentions: [] };
  return { ...base, text: m.text, ...(m.quickReplyId ? { quickReplyId: m.quickReplyId } : {}), attachmentRefs: m.attachmentRefs, mentions: m.mentions };
}
