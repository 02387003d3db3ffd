import { Body, Controller, Get, Headers, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { requestFingerprint } from '@petalpost/event-store';
import { ApiErrorResponses } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { ConversationCommands } from '../conversation-commands.service';
import { QuickRepliesBody, QuickRepliesView } from './conversation.dto';
import { scopedKey } from './conversations.controller';

/** A shop's quick replies: staff define them, everyone of the shop picks from them when posting. */
@ApiTags('quick replies')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Controller('shops/:shopId/quick-replies')
export class QuickRepliesController {
  constructor(private readonly commands: ConversationCommands) {}

  @Put()
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "Replace the shop's quick replies" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ZodResponse({ status: 200, type: QuickRepliesView })
  async put(@Param('shopId') shopId: string, @Body() body: QuickRepliesBody, @CurrentPrincipal() principal: Principal, @Headers('idempotency-key') key: string | undefined) {
    assertShop(principal, shopId);
    const result = await this.commands.setQuickReplies(
      { type: 'SetQuickReplies', shopId, replies: body.replies, now: new Date().toISOString() },
      { actor: actorOf(principal), idempotency: key ? { key: scopedKey(principal, key), fingerprint: requestFingerprint('quick-replies', shopId, body) } : undefined },
    );
    return { shopId, replies: result.state.replies };
  }

  @Get()
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator')
  @ApiOperation({ summary: "The shop's quick replies" })
  @ZodResponse({ status: 200, type: QuickRepliesView })
  async get(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    assertShop(principal, shopId);
    return { shopId, replies: (await this.commands.quickReplies(shopId)).replies };
  }
}

function assertShop(principal: Principal, shopId: string): void {
  if (!canSeeShop(principal, shopId)) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
}
