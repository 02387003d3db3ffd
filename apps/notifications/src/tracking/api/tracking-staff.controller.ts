import { isIPv6 } from 'node:net';
import { Body, Controller, Get, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertShopInScope, canSeeShop, CurrentPrincipal, type Principal, Roles, TokenService } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, createZodDto, EmptyBody, SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { findTrackedOrder, messagesOfShop } from '../tracked-orders.store';
import type { TrackingServiceConfig } from '../tracking.config';
import { trackingLinkOf } from '../tracking-links';

class TrackingLink extends createZodDto(
  z.object({
    url: z.string().describe('The page to send the customer; safe to forward (it shows no contact details)'),
    expiresAt: z.string().optional().describe('Once the order is over: when the link stops working'),
  }),
) {}

class CustomerMessagesQuery extends createZodDto(
  z.strictObject({
    orderId: z.string().min(1).max(100).optional().describe("One order's messages"),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
) {}

class CustomerMessageList extends createZodDto(
  z.object({
    items: z.array(
      z.object({ messageId: z.string(), orderId: z.string(), text: z.string().describe('Plain text: show it as text, never as HTML'), sentAt: z.string() }),
    ),
  }),
) {}

/** What shop staff do with tracking: send the link, read what customers wrote. */
@ApiTags('tracking')
@Controller()
export class TrackingStaffController {
  constructor(
    private readonly tokens: TokenService,
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: TrackingServiceConfig,
  ) {}

  @Post('orders/:orderId/tracking-link')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "A tracking link for the order's customer: one order, working until a grace period after delivery (or cancellation)" })
  @ApiErrors(401, 403, 404)
  @ZodResponse({ status: 201, type: TrackingLink })
  async mint(@Param('orderId') orderId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal, @Req() request: FastifyRequest) {
    const order = await findTrackedOrder(this.dataSource, orderId);
    if (!order || !canSeeShop(principal, order.shopId)) throw new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');
    // Without a configured address (development only), the address this connection reached: never the caller's Host header.
    const baseUrl = this.config.TRACKING_PUBLIC_URL ?? ownAddress(request);
    return trackingLinkOf(this.tokens, order, {
      baseUrl,
      now: new Date(),
      tokenDays: this.config.TRACKING_TOKEN_DAYS,
      graceHours: this.config.TRACKING_GRACE_HOURS,
    });
  }

  @Get('shops/:shopId/customer-messages')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      "What customers wrote from their tracking pages, newest first (each is also posted in the order's customer channel in messaging, where staff answer)",
  })
  @ApiErrors(400, 401, 403, 404)
  @ZodResponse({ status: 200, type: CustomerMessageList })
  async messages(@Param('shopId') shopId: string, @Query() query: CustomerMessagesQuery, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    const items = await messagesOfShop(this.dataSource, shopId, { limit: query.limit, orderId: query.orderId });
    return { items: items.map(({ messageId, orderId, text, sentAt }) => ({ messageId, orderId, text, sentAt })) };
  }
}

function ownAddress(request: FastifyRequest): string {
  const { localAddress, localPort } = request.raw.socket;
  const host = localAddress && isIPv6(localAddress) ? `[${localAddress}]` : (localAddress ?? '127.0.0.1');
  return `http://${host}:${localPort}`;
}
