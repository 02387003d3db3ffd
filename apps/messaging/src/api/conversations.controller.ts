import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal } from '@petalpost/auth';
import { type ConversationChannelSchema, DomainError } from '@petalpost/contracts';
import { requestFingerprint } from '@petalpost/event-store';
import { ApiErrorResponses, EmptyBody } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import type { z } from 'zod';
import { DataSource } from 'typeorm';
import { ConversationCommands } from '../conversation-commands.service';
import { decodeConversationCursor, encodeConversationCursor, listConversations } from '../projections/conversation-inbox/conversation-inbox.queries';
import { readerOf } from '../projections/conversation-inbox/conversation-inbox.projection';
import { channelPage, conversationOverview } from '../projections/conversation-messages/conversation-messages.queries';
import { type Channel, CHANNELS, channelAccess, readableChannels, type Viewer } from '../domain/channel-access';
import { conversationNotFound } from '../domain/conversation.decider';
import { type Conversation, type ConversationState, type Message, readerKey } from '../domain/conversation.state';
import { ChannelReadView, ConversationList, ConversationsQuery, ConversationView, EditMessageBody, MarkReadBody, MessagePage, MessagesQuery, MessageView, PostMessageBody } from './conversation.dto';

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });

/**
 * An order's conversation: two channels (internal, customer), each readable and writable by
 * whom domain/channel-access.ts says. Whoever may not read a channel gets 404 for it; whoever
 * may read no channel gets 404 for the conversation.
 */
@ApiTags('conversations')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404, 409)
@Controller('conversations')
export class ConversationsController {
  constructor(
    private readonly commands: ConversationCommands,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Your conversations, most recently active first, with your unread count per channel, in cursor pages (a read model: trails the log by milliseconds)',
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
  @ApiOperation({ summary: "An order's conversation: the channels you may read, with your unread counts (404 if you may read none; a read model: trails the log by milliseconds)" })
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
      channels: channels.map((channel) => ({ channel, unread: conversation.unread[channel] ?? 0, canPost: channelAccess(viewer, channel, facts, policy).post })),
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
    return { items: page.items.map((m) => messageView(m, principal)), nextCursor: page.more ? String(page.items[page.items.length - 1].seq) : null };
  }

  @Post(':orderId/channels/:channel/messages')
  @HttpCode(201)
  @ApiOperation({ summary: 'Post a message (text or a quick reply, with attachment refs and @mentions)' })
  @idempotencyHeader
  @ZodResponse({ status: 201, type: MessageView })
  async post(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Body() body: PostMessageBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const channel = channelOf(channelParam);
    const quickReply = body.quickReplyId !== undefined ? await this.quickReply(orderId, principal, channel, body.quickReplyId) : undefined;
    const result = await this.commands.execute(
      orderId,
      {
        type: 'PostMessage',
        channel,
        messageId: randomUUID(),
        author: viewerOf(principal),
        text: body.text,
        quickReply,
        attachmentRefs: body.attachmentRefs,
        rules: this.commands.rules,
        now: new Date().toISOString(),
      },
      {
        actor: actorOf(principal),
        idempotency: idempotencyKey ? { key: scopedKey(principal, idempotencyKey), fingerprint: requestFingerprint('messages', orderId, channel, body) } : undefined,
      },
    );
    if (result.state.status === 'none') throw conversationNotFound();
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    const postedId = result.events.find((e) => e.type === 'MessagePosted')?.data as { messageId: string } | undefined;
    // A replay answers with what the first request posted: the last message at the version it appended.
    const message = postedId ? result.state.messages.find((m) => m.messageId === postedId.messageId) : result.state.messages.at(-1);
    if (!message) throw conversationNotFound();
    return messageView(message, principal);
  }

  @Patch(':orderId/channels/:channel/messages/:messageId')
  @ApiOperation({ summary: 'Edit your own message (the log keeps what it said before, for the shop)' })
  @ZodResponse({ status: 200, type: MessageView })
  async edit(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Param('messageId') messageId: string,
    @Body() body: EditMessageBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    const channel = channelOf(channelParam);
    const command = { type: 'EditMessage' as const, channel, messageId, editor: viewerOf(principal), text: body.text, rules: this.commands.rules, now: new Date().toISOString() };
    return this.changed(messageId, principal, await this.commands.execute(orderId, command, { actor: actorOf(principal) }));
  }

  @Post(':orderId/channels/:channel/messages/:messageId/recall')
  @HttpCode(200)
  @ApiOperation({ summary: 'Recall your own message from view, within MESSAGING_RECALL_SECONDS of posting (the log keeps it for the shop)' })
  @ZodResponse({ status: 200, type: MessageView })
  async recall(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Param('messageId') messageId: string,
    @Body() _body: EmptyBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    const channel = channelOf(channelParam);
    const command = { type: 'RecallMessage' as const, channel, messageId, by: viewerOf(principal), rules: this.commands.rules, now: new Date().toISOString() };
    return this.changed(messageId, principal, await this.commands.execute(orderId, command, { actor: actorOf(principal) }));
  }

  private changed(messageId: string, principal: Principal, result: { state: ConversationState }) {
    const message = result.state.status === 'open' ? result.state.messages.find((m) => m.messageId === messageId) : undefined;
    if (!message) throw conversationNotFound();
    return messageView(message, principal);
  }

  @Post(':orderId/channels/:channel/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the channel read up to a message (a read receipt); answers your unread count' })
  @ZodResponse({ status: 200, type: ChannelReadView })
  async read(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Param('channel') channelParam: string,
    @Body() body: MarkReadBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    const channel = channelOf(channelParam);
    const viewer = viewerOf(principal);
    const result = await this.commands.execute(
      orderId,
      { type: 'MarkRead', channel, reader: viewer, upToMessageId: body.upToMessageId, rules: this.commands.rules, now: new Date().toISOString() },
      { actor: actorOf(principal) },
    );
    if (result.state.status === 'none') throw conversationNotFound();
    return { channel, unread: unreadIn(result.state, channel, viewer) };
  }

  private policy() {
    return { now: new Date().toISOString(), riderGraceMinutes: this.commands.rules.riderGraceMinutes };
  }

  /** The conversation, if the principal may read it at all (or the given channel). */
  private async visible(orderId: string, principal: Principal, channel?: Channel): Promise<Conversation> {
    const state: ConversationState = await this.commands.conversation(orderId);
    if (state.status === 'none') throw conversationNotFound();
    const viewer = viewerOf(principal);
    const readable = channel ? [channel] : CHANNELS;
    if (!readable.some((c) => channelAccess(viewer, c, state, this.policy()).read)) throw conversationNotFound();
    return state;
  }

  private async quickReply(orderId: string, principal: Principal, channel: Channel, id: string) {
    const conversation = await this.visible(orderId, principal, channel);
    const reply = (await this.commands.quickReplies(conversation.shopId)).replies.find((r) => r.id === id);
    if (!reply) throw new DomainError('invalid', 'QUICK_REPLY_UNKNOWN', `the shop has no quick reply ${id}`);
    return reply;
  }
}

export function viewerOf(principal: Principal): Viewer {
  return { role: principal.role, sub: principal.sub, shopId: principal.shopId, orderId: principal.orderId };
}

/** Keys are the caller's own: two clients choosing the same key never collide. */
export function scopedKey(principal: Principal, key: string): string {
  return `${principal.role}:${principal.shopId ?? principal.orderId ?? ''}:${principal.sub}:${key}`;
}

function channelOf(value: string): z.infer<typeof ConversationChannelSchema> {
  if (!(CHANNELS as readonly string[]).includes(value)) throw new DomainError('not_found', 'CHANNEL_NOT_FOUND', 'no such channel');
  return value as Channel;
}

/** Messages of others after the last one the viewer read (or wrote). */
function unreadIn(conversation: Conversation, channel: Channel, viewer: Viewer): number {
  const upTo = conversation.readUpTo[readerKey(channel, { role: viewer.role, subject: viewer.sub })] ?? 0;
  return conversation.messages.filter((m) => m.channel === channel && m.seq > upTo && !(m.author?.role === viewer.role && m.author.subject === viewer.sub)).length;
}

/** A message as the principal may see it: the shop's staff (and operators) see the full history of it. */
function messageView(m: Message, principal: Principal) {
  const audits = principal.role === 'staff' || principal.role === 'operator';
  const base = {
    messageId: m.messageId,
    seq: m.seq,
    channel: m.channel,
    author: m.author,
    postedAt: m.postedAt,
    ...(m.edits.length > 0 ? { editedAt: m.edits[m.edits.length - 1].editedAt } : {}),
    ...(audits && m.edits.length > 0 ? { edits: m.edits } : {}),
    recalled: m.recalledAt !== undefined,
    ...(m.recalledAt !== undefined ? { recalledAt: m.recalledAt } : {}),
  };
  if (m.recalledAt !== undefined && !audits) return { ...base, text: 'recalled', attachmentRefs: [], mentions: [] };
  return { ...base, text: m.text, ...(m.quickReplyId ? { quickReplyId: m.quickReplyId } : {}), attachmentRefs: m.attachmentRefs, mentions: m.mentions };
}
