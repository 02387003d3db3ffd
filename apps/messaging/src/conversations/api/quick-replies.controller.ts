import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertShopInScope, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { EventStore, fromRequest, readState, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { quickRepliesDecider, quickRepliesOf, quickRepliesStream } from '../domain/quick-replies';
import { QuickRepliesBody, QuickRepliesView } from './conversation.dto';

/** A shop's quick replies: staff define them, everyone of the shop picks from them when posting. */
@ApiTags('quick replies')
@ApiErrors(400, 401, 403, 404)
@Controller('shops/:shopId/quick-replies')
export class QuickRepliesController {
  constructor(private readonly store: EventStore) {}

  @Put()
  @Roles('staff', 'operator')
  @ApiCommand("Replace the shop's quick replies")
  @ZodResponse({ status: 200, type: QuickRepliesView })
  async put(@Param('shopId') shopId: string, @Body() body: QuickRepliesBody, @CommandRequest() request: CommandRequest) {
    assertShopInScope(request.principal, shopId);
    const command = { type: 'SetQuickReplies' as const, shopId, replies: body.replies, now: new Date().toISOString() };
    const result = await runCommand(
      this.store,
      quickRepliesDecider,
      quickRepliesStream(shopId),
      command,
      fromRequest(request, ['quick-replies', shopId, body]),
    );
    return answer(request, result, { shopId, ...quickRepliesOf(result.state) });
  }

  @Get()
  @Roles('staff', 'florist', 'dispatcher', 'rider', 'operator')
  @ApiOperation({ summary: "The shop's quick replies (the service's defaults, in en and zh-CN, until the shop sets its own)" })
  @ZodResponse({ status: 200, type: QuickRepliesView })
  async get(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return { shopId, ...quickRepliesOf(await readState(this.store, quickRepliesDecider, quickRepliesStream(shopId))) };
  }
}
