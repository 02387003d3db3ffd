import { Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@petalpost/auth';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import type { FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { WebhookReceiver } from '../webhook-receiver.service';

class WebhookAckView extends createZodDto(
  z.object({
    received: z.boolean().describe('Stored to be processed (or stored already: a replay)'),
    deliveryId: z.string().optional(),
    duplicate: z.boolean().optional().describe('This connection had this event already: nothing new was stored'),
    ignored: z.string().optional().describe('Why nothing was stored: a topic not taken, or WooCommerce’s creation ping'),
  }),
) {}

const orderBody = { description: 'The platform’s order JSON, exactly as it sends it (the signature covers these bytes)', schema: { type: 'object' } } as const;

/**
 * Where Shopify and WooCommerce deliver order webhooks. Public: a delivery is authenticated by
 * its signature alone, over the raw body bytes (kept by the JSON parser, see intake-http.ts).
 * Each answers 200 as soon as the delivery is stored; processing follows.
 */
@ApiTags('intake')
@ApiErrors(400, 401, 404, 413, 415)
@Controller('intake')
export class IntakeWebhooksController {
  constructor(private readonly receiver: WebhookReceiver) {}

  @Post('shopify/webhooks')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Shopify order webhooks (orders/create, orders/updated, orders/cancelled), verified by X-Shopify-Hmac-Sha256' })
  @ApiHeader({ name: 'X-Shopify-Shop-Domain', required: true, description: 'The store: finds its connection (unknown → 404)' })
  @ApiHeader({ name: 'X-Shopify-Hmac-Sha256', required: true, description: 'base64 HMAC-SHA256 of the body under the connection’s secret' })
  @ApiHeader({ name: 'X-Shopify-Topic', required: true })
  @ApiHeader({ name: 'X-Shopify-Event-Id', required: false, description: 'Deduplication key (else X-Shopify-Webhook-Id)' })
  @ApiBody(orderBody)
  @ZodResponse({ status: 200, type: WebhookAckView })
  shopify(@Req() request: FastifyRequest) {
    return this.receiver.shopify(rawBodyOf(request), request.headers);
  }

  @Post('woocommerce/webhooks/:connectionId')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'WooCommerce order webhooks (order.created, order.updated) of one connection, verified by X-WC-Webhook-Signature; the unsigned creation ping gets 200',
  })
  @ApiHeader({ name: 'X-WC-Webhook-Signature', required: true, description: 'base64 HMAC-SHA256 of the body under the webhook’s secret' })
  @ApiHeader({ name: 'X-WC-Webhook-Topic', required: true })
  @ApiBody(orderBody)
  @ZodResponse({ status: 200, type: WebhookAckView })
  woocommerce(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Req() request: FastifyRequest) {
    return this.receiver.woocommerce(connectionId, rawBodyOf(request), request.headers);
  }
}

function rawBodyOf(request: FastifyRequest): Buffer {
  return request.rawBody ?? Buffer.alloc(0);
}
