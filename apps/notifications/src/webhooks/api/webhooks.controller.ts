import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertShopInScope, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { ApiErrors, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { WebhookSubscriptions } from '../webhook-subscriptions.service';
import {
  CreatedWebhook,
  CreateWebhookBody,
  WebhookDeliveriesQuery,
  WebhookDeliveryList,
  WebhookReplayBody,
  WebhookReplayResult,
  RotatedWebhookSecret,
  UpdateWebhookBody,
  WebhookList,
  WebhookResponse,
} from './webhooks.dto';

const subscriptionId = () => Param('subscriptionId', ParseUUIDPipe);

/**
 * A shop's webhooks: where its systems want to hear of its events. Its staff and operators
 * manage them; anyone else is told there is no such shop (404).
 */
@ApiTags('webhooks')
@ApiErrors(400, 401, 403, 404, 415)
@Roles('staff', 'operator')
@Controller('shops/:shopId/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookSubscriptions) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint for some (or all) event types; the answer carries its signing secret, shown this once' })
  @ZodResponse({ status: 201, type: CreatedWebhook })
  create(@Param('shopId') shopId: string, @Body() body: CreateWebhookBody, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return this.webhooks.create(shopId, body);
  }

  @Get()
  @ApiOperation({ summary: "The shop's webhooks (secrets are never shown again)" })
  @ZodResponse({ status: 200, type: WebhookList })
  async list(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return { items: await this.webhooks.list(shopId) };
  }

  @Get(':subscriptionId')
  @ApiOperation({ summary: 'One webhook' })
  @ZodResponse({ status: 200, type: WebhookResponse })
  get(@Param('shopId') shopId: string, @subscriptionId() id: string, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return this.webhooks.get(shopId, id);
  }

  @Patch(':subscriptionId')
  @ApiOperation({ summary: 'Change the URL, event types or description; disable or enable it' })
  @ZodResponse({ status: 200, type: WebhookResponse })
  update(@Param('shopId') shopId: string, @subscriptionId() id: string, @Body() body: UpdateWebhookBody, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return this.webhooks.update(shopId, id, body);
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a webhook with its deliveries and dead letters' })
  async remove(@Param('shopId') shopId: string, @subscriptionId() id: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    await this.webhooks.remove(shopId, id);
  }

  @Post(':subscriptionId/rotate-secret')
  @ApiOperation({ summary: 'A new signing secret; during the grace period deliveries are signed with the old one too' })
  @ZodResponse({ status: 200, type: RotatedWebhookSecret })
  rotateSecret(@Param('shopId') shopId: string, @subscriptionId() id: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return this.webhooks.rotateSecret(shopId, id);
  }

  @Get(':subscriptionId/deliveries')
  @ApiOperation({ summary: 'Recent deliveries with every attempt: status code, duration, error' })
  @ZodResponse({ status: 200, type: WebhookDeliveryList })
  async deliveries(
    @Param('shopId') shopId: string,
    @subscriptionId() id: string,
    @Query() query: WebhookDeliveriesQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    assertShopInScope(principal, shopId);
    return { items: await this.webhooks.deliveries(shopId, id, query) };
  }

  @Post(':subscriptionId/replay')
  @ApiOperation({ summary: 'Re-send every event of the shop since a time (that the webhook receives), each as a new delivery' })
  @ApiErrors(409)
  @ZodResponse({ status: 202, type: WebhookReplayResult })
  replay(@Param('shopId') shopId: string, @subscriptionId() id: string, @Body() body: WebhookReplayBody, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    return this.webhooks.replay(shopId, id, body);
  }
}
