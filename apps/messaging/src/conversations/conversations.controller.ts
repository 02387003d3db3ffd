import { Controller, Get, Param } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import type { Repository } from 'typeorm';
import { z } from 'zod';
import { CHANNELS, Conversation } from './conversation.entity';

class ConversationView extends createZodDto(
  z.object({ orderId: z.string(), shopId: z.string(), channels: z.array(z.enum(CHANNELS)), openedAt: z.string() }),
) {}

@ApiTags('conversations')
@ApiBearerAuth()
@Controller('conversations')
export class ConversationsController {
  constructor(@InjectRepository(Conversation) private readonly conversations: Repository<Conversation>) {}

  @Get(':orderId')
  @Roles('staff', 'florist', 'dispatcher', 'operator')
  @ApiOperation({ summary: "An order's conversation (404 for orders you may not see)" })
  @ZodResponse({ status: 200, type: ConversationView })
  async get(@Param('orderId') orderId: string, @CurrentPrincipal() principal: Principal) {
    const conversation = await this.conversations.findOneBy({ orderId });
    if (!conversation || !canSeeShop(principal, conversation.shopId)) {
      throw new DomainError('not_found', 'CONVERSATION_NOT_FOUND', 'no such conversation');
    }
    return { orderId, shopId: conversation.shopId, channels: [...CHANNELS], openedAt: conversation.openedAt.toISOString() };
  }
}
