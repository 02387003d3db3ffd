import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import type { IntakeConfig } from '../../intake.config';
import { IntakeDeliveries } from '../../webhooks/intake-deliveries.store';
import { IntakeDeliveryWorker } from '../../webhooks/intake-delivery.worker';
import { SHOPIFY_TOPICS, WebhookReceiver } from '../../webhooks/webhook-receiver.service';
import { type Connection, IntakeConnections, sourceOf, type WriteBackCredentials } from '../intake-connections.store';
import { sampleDelivery } from '../sample-delivery';
import {
  ConnectionList,
  ConnectionView,
  CreateConnectionBody,
  CreatedConnection,
  DeliveriesQuery,
  DeliveryList,
  RotatedSecret,
  ShopQuery,
  TestResult,
  UpdateConnectionBody,
} from './connection.dto';

/**
 * A shop's connections to its shop systems, set up by the shop in the console: connect a store,
 * paste or make the webhook secret, rotate it, test the webhook, see the last deliveries. Another
 * shop's connection is not found (404).
 */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Controller('intake/connections')
export class IntakeConnectionsController {
  constructor(
    private readonly connections: IntakeConnections,
    private readonly deliveries: IntakeDeliveries,
    private readonly receiver: WebhookReceiver,
    private readonly worker: IntakeDeliveryWorker,
    @Inject(SERVICE_CONFIG) private readonly config: IntakeConfig,
  ) {}

  @Get()
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "The shop's connections to its Shopify and WooCommerce stores (secrets are never shown, only their last characters)" })
  @ZodResponse({ status: 200, type: ConnectionList })
  async list(@Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    return { connections: (await this.connections.list(shopId)).map((c) => this.view(c)) };
  }

  @Post()
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Connect a Shopify or WooCommerce store: answers the webhook URL to paste there, and the secret when one was made here' })
  @ApiErrors(409)
  @ZodResponse({ status: 201, type: CreatedConnection })
  async create(@Body() body: CreateConnectionBody, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const made = body.webhookSecret === undefined ? newSecret() : undefined;
    const connection = await this.connections.create({
      shopId,
      platform: body.platform,
      label: body.label,
      shopDomain: body.shopDomain,
      siteUrl: body.siteUrl,
      timeZone: body.timeZone,
      webhookSecret: body.webhookSecret ?? (made as string),
      credentials: credentialsOf(body),
      mapping: body.mapping,
    });
    const view = this.view(connection);
    return { connection: view, webhookUrl: view.webhookUrl, ...(made ? { webhookSecret: made } : {}) };
  }

  @Patch(':connectionId')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Change a connection: its label, time zone, field mapping, write-back credentials, or switch it off and on' })
  @ZodResponse({ status: 200, type: ConnectionView })
  async update(
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
    @Body() body: UpdateConnectionBody,
    @Query() query: ShopQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const shopId = shopInScope(principal, query.shopId);
    const existing = await this.find(shopId, connectionId);
    const credentials = credentialsOf(body);
    if (credentials && 'adminAccessToken' in credentials !== (existing.platform === 'shopify')) {
      throw new DomainError('invalid', 'CREDENTIALS_OF_ANOTHER_PLATFORM', `these credentials are not ${existing.platform}'s`);
    }
    const updated = await this.connections.update(shopId, connectionId, {
      label: body.label,
      timeZone: body.timeZone,
      mapping: body.mapping,
      enabled: body.enabled,
      credentials,
    });
    return this.view(updated ?? existing);
  }

  @Post(':connectionId/secret/rotate')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Make a new webhook secret (shown once); the previous one keeps verifying for ORDERS_INTAKE_SECRET_GRACE_MINUTES while the shop system changes over',
  })
  @ZodResponse({ status: 200, type: RotatedSecret })
  async rotate(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    await this.find(shopId, connectionId);
    const secret = newSecret();
    const rotated = await this.connections.rotateSecret(shopId, connectionId, secret, this.config.ORDERS_INTAKE_SECRET_GRACE_MINUTES);
    if (!rotated) throw connectionNotFound();
    return { connection: this.view(rotated), webhookSecret: secret };
  }

  @Post(':connectionId/test')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Send a signed sample order through the real webhook path (signature, storage, mapping) and answer what became of it; nothing is placed. Shows whether the mapping finds the delivery date',
  })
  @ZodResponse({ status: 200, type: TestResult })
  async test(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const connection = await this.find(shopId, connectionId);
    if (!connection.enabled) throw new DomainError('conflict', 'CONNECTION_DISABLED', 'the connection is switched off: enable it to test it');
    const [secret] = await this.connections.webhookSecrets(connectionId, new Date());
    const sample = sampleDelivery(connection, secret, new Date());
    const ack =
      connection.platform === 'shopify'
        ? await this.receiver.shopify(sample.body, sample.headers, { test: true })
        : await this.receiver.woocommerce(connectionId, sample.body, sample.headers, { test: true });
    if (!ack.deliveryId) throw new Error('the sample delivery was not stored');
    await this.worker.processNow(ack.deliveryId);
    const delivery = await this.deliveries.get(ack.deliveryId);
    if (!delivery) throw new Error('the sample delivery is gone');
    return { delivery };
  }

  @Get(':connectionId/deliveries')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'The last deliveries the connection received, newest first, and what became of each' })
  @ZodResponse({ status: 200, type: DeliveryList })
  async deliveriesOf(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: DeliveriesQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    await this.find(shopId, connectionId);
    return { deliveries: await this.deliveries.recent(connectionId, query.limit) };
  }

  private async find(shopId: string, connectionId: string): Promise<Connection> {
    const connection = await this.connections.get(shopId, connectionId);
    if (!connection) throw connectionNotFound();
    return connection;
  }

  private view(connection: Connection) {
    const base = this.config.ORDERS_INTAKE_PUBLIC_URL.replace(/\/+$/, '');
    const shopify = connection.platform === 'shopify';
    return {
      ...connection,
      source: sourceOf(connection),
      webhookUrl: shopify ? `${base}/intake/shopify/webhooks` : `${base}/intake/woocommerce/webhooks/${connection.connectionId}`,
      topics: [...(shopify ? SHOPIFY_TOPICS : ['order.created', 'order.updated'])],
    };
  }
}

/** 32 random bytes: as strong as the HMAC key can use. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function credentialsOf(body: { adminAccessToken?: string; consumerKey?: string; consumerSecret?: string }): WriteBackCredentials | undefined {
  if (body.adminAccessToken) return { adminAccessToken: body.adminAccessToken };
  if (body.consumerKey && body.consumerSecret) return { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret };
  return undefined;
}

function connectionNotFound(): DomainError {
  return new DomainError('not_found', 'CONNECTION_NOT_FOUND', 'no such connection');
}
