import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, shopNotFound } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { EventStore, fromRequest, readState, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { shopChannelAccess } from '../domain/channel-access';
import { quickRepliesDecider, quickRepliesOf, quickRepliesStream } from '../domain/quick-replies';
import {
  type ShopChannel,
  shopChannelDecider,
  type ShopChannelMessage,
  shopChannelNotFound,
  shopChannelStream,
  SHOP_CHANNEL_NAME_MAX,
} from '../domain/shop-channel';
import { shopChannelsOf } from '../projections/shop-channels/shop-channels.queries';
import { MessagesQuery, PostMessageBody } from './conversation.dto';
import { viewerOf } from './conversations.controller';

class OpenShopChannelBody extends createZodDto(
  z
    .strictObject({
      name: z
        .string()
        .min(1)
        .max(SHOP_CHANNEL_NAME_MAX * 2)
        .describe(`At most ${SHOP_CHANNEL_NAME_MAX} characters`),
    })
    .meta({ example: { name: "Today's deliveries" } }),
) {}

const ShopChannelSchema = z.object({ channelId: z.string(), shopId: z.string(), name: z.string(), openedAt: z.string() });
class ShopChannelView extends createZodDto(ShopChannelSchema) {}
class ShopChannelList extends createZodDto(
  z.object({
    items: z.array(
      ShopChannelSchema.extend({
        messageCount: z.number().int(),
        lastMessageAt: z.string().nullable().describe('When the newest message was posted; null while there is none'),
      }),
    ),
  }),
) {}

const ShopMessageSchema = z.object({
  messageId: z.string(),
  seq: z.number().int(),
  author: z.object({ role: z.string(), subject: z.string() }).nullable(),
  text: z.string(),
  quickReplyId: z.string().optional(),
  attachmentRefs: z.array(z.string()),
  mentions: z.array(z.unknown()),
  postedAt: z.string(),
});
class ShopMessageView extends createZodDto(ShopMessageSchema) {}
class ShopMessagePage extends createZodDto(z.object({ items: z.array(ShopMessageSchema), nextCursor: z.string().nullable() })) {}

/** Channels for the staff, florists, dispatchers and riders of one shop, not tied to an order. Anyone else: 404. */
@ApiTags('shop channels')
@ApiErrors(400, 401, 403, 404, 409)
@Controller('shops/:shopId/channels')
export class ShopChannelsController {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOperation({ summary: "The shop's channels, oldest first, with their message counts (a read model: trails the log by milliseconds)" })
  @ZodResponse({ status: 200, type: ShopChannelList })
  async list(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    if (!shopChannelAccess(viewerOf(principal), shopId).read) throw shopNotFound();
    return { items: await shopChannelsOf(this.dataSource.manager, shopId) };
  }

  @Post()
  @ApiCommand('Open a channel for the staff of the shop')
  @ZodResponse({ status: 201, type: ShopChannelView })
  async open(@Param('shopId') shopId: string, @Body() body: OpenShopChannelBody, @CommandRequest() request: CommandRequest) {
    const channelId = randomUUID();
    const command = { type: 'OpenShopChannel' as const, shopId, channelId, name: body.name, opener: viewerOf(request.principal), now: now() };
    // The channel's id was made up for this request: no stream to read yet.
    const result = await runCommand(this.store, shopChannelDecider, shopChannelStream(channelId), command, {
      ...fromRequest(request, ['shop-channels', shopId, body]),
      freshStream: true,
    });
    const channel = opened(result.state);
    return answer(request, result, { channelId: channel.channelId, shopId: channel.shopId, name: channel.name, openedAt: channel.openedAt });
  }

  @Get(':channelId/messages')
  @ApiOperation({ summary: 'The messages of a shop channel, oldest first, in cursor pages' })
  @ZodResponse({ status: 200, type: ShopMessagePage })
  async messages(
    @Param('shopId') shopId: string,
    @Param('channelId', ParseUUIDPipe) channelId: string,
    @Query() query: MessagesQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const channel = await this.visible(shopId, channelId, principal);
    const after = query.after ?? 0;
    const rest = channel.messages.filter((m) => m.seq > after);
    const page = rest.slice(0, query.limit);
    return { items: page.map(view), nextCursor: rest.length > page.length ? String(page[page.length - 1].seq) : null };
  }

  @Post(':channelId/messages')
  @ApiCommand('Post in a shop channel (text or a quick reply, attachment refs, @mentions)')
  @ZodResponse({ status: 201, type: ShopMessageView })
  async post(
    @Param('shopId') shopId: string,
    @Param('channelId', ParseUUIDPipe) channelId: string,
    @Body() body: PostMessageBody,
    @CommandRequest() request: CommandRequest,
  ) {
    await this.visible(shopId, channelId, request.principal);
    let quickReply: { id: string; text: string } | undefined;
    if (body.quickReplyId !== undefined) {
      quickReply = quickRepliesOf(await readState(this.store, quickRepliesDecider, quickRepliesStream(shopId))).replies.find((r) => r.id === body.quickReplyId);
      if (!quickReply) throw new DomainError('invalid', 'QUICK_REPLY_UNKNOWN', `the shop has no quick reply ${body.quickReplyId}`);
    }
    const { text, attachmentRefs } = body;
    const command = {
      type: 'PostShopChannelMessage' as const,
      messageId: randomUUID(),
      author: viewerOf(request.principal),
      text,
      quickReply,
      attachmentRefs,
      now: now(),
    };
    const result = await runCommand(
      this.store,
      shopChannelDecider,
      shopChannelStream(channelId),
      command,
      fromRequest(request, ['shop-channel-messages', channelId, body]),
    );
    const channel = opened(result.state);
    const postedId = (result.events[0]?.data as { messageId?: string } | undefined)?.messageId;
    const message = postedId ? channel.messages.find((m) => m.messageId === postedId) : channel.messages.at(-1);
    if (!message) throw shopChannelNotFound();
    return answer(request, result, view(message));
  }

  private async visible(shopId: string, channelId: string, principal: Principal): Promise<ShopChannel> {
    const state = await readState(this.store, shopChannelDecider, shopChannelStream(channelId));
    if (state.status === 'none' || state.shopId !== shopId || !shopChannelAccess(viewerOf(principal), state.shopId).read) throw shopChannelNotFound();
    return state;
  }
}

const now = () => new Date().toISOString();

function opened(state: { status: string }): ShopChannel {
  if (state.status !== 'open') throw shopChannelNotFound();
  return state as ShopChannel;
}

function view(m: ShopChannelMessage) {
  return {
    messageId: m.messageId,
    seq: m.seq,
    author: m.author,
    text: m.text,
    ...(m.quickReplyId ? { quickReplyId: m.quickReplyId } : {}),
    attachmentRefs: m.attachmentRefs,
    mentions: m.mentions,
    postedAt: m.postedAt,
  };
}
