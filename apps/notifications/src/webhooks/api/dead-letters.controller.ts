import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { ApiErrors, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { WebhookSubscriptions } from '../webhook-subscriptions.service';
import { WebhookDeadLetterList, WebhookDeadLettersQuery, RetriedWebhookDelivery } from './webhooks.dto';

/** Deliveries that failed on their last attempt, for operators (every shop) and staff (their own). */
@ApiTags('webhooks')
@ApiErrors(400, 401, 403, 404)
@Roles('operator', 'staff')
@Controller('webhooks/dead-letters')
export class DeadLettersController {
  constructor(private readonly webhooks: WebhookSubscriptions) {}

  @Get()
  @ApiOperation({ summary: 'Webhook deliveries that failed on their last attempt, most recent first' })
  @ZodResponse({ status: 200, type: WebhookDeadLetterList })
  list(@Query() query: WebhookDeadLettersQuery, @CurrentPrincipal() principal: Principal) {
    return this.webhooks.deadLetters(principal, query);
  }

  @Post(':deliveryId/retry')
  @ApiOperation({ summary: 'Try a dead letter again: a new round of attempts, with the same webhook id' })
  @ApiErrors(409)
  @ZodResponse({ status: 202, type: RetriedWebhookDelivery })
  retry(@Param('deliveryId', ParseUUIDPipe) deliveryId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    return this.webhooks.retryDeadLetter(principal, deliveryId);
  }
}
