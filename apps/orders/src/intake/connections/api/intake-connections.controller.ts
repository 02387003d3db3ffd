import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, SERVICE_CONFIG } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import type { IntakeConfig } from '../../intake.config';
import { isChinaPlatform } from '../../platforms/platform-connector';
import { PlatformConnectors } from '../../platforms/platform-connectors';
import { PushReceiver } from '../../platforms/push-receiver.service';
import { IntakeDeliveries } from '../../webhooks/intake-deliveries.store';
import { IntakeDeliveryWorker } from '../../webhooks/intake-delivery.worker';
import { SHOPIFY_TOPICS, WebhookReceiver } from '../../webhooks/webhook-receiver.service';
import { type Connection, IntakeConnections, type PlatformCredentials, sourceOf, type WriteBackCredentials } from '../intake-connections.store';
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
 * shop's connection is not found (404). A Chinese platform (Meituan, Ele.me, Youzan, WeChat Store)
 * is connected with the app key and secret it issued; its callback URLs are shown to paste there.
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
    private readonly pushes: PushReceiver,
    private readonly connectors: PlatformConnectors,
    @Inject(SERVICE_CONFIG) private readonly config: IntakeConfig,
  ) {}

  @Get()
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      "The shop's connections to its Shopify, WooCommerce, Meituan, Ele.me, Youzan and WeChat stores (secrets are never shown, only their last characters)",
  })
  @ZodResponse({ status: 200, type: ConnectionList })
  async list(@Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    return { connections: (await this.connections.list(shopId)).map((c) => this.view(c)) };
  }

  @Post()
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Connect a Shopify, WooCommerce, Meituan, Ele.me, Youzan or WeChat store: answers the URLs to paste there, and the webhook secret when one was made here',
  })
  @ApiErrors(409)
  @ZodResponse({ status: 201, type: CreatedConnection })
  async create(@Body() body: CreateConnectionBody, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const china = isChinaPlatform(body.platform);
    const made = !china && body.webhookSecret === undefined ? newSecret() : undefined;
    // The platform issued the secret that signs its pushes: Meituan, Ele.me and Youzan the app secret, WeChat its push Token.
    const platformSecret = body.platform === 'wechat' ? body.pushToken : body.appSecret;
    const connection = await this.connections.create({
      shopId,
      platform: body.platform,
      label: body.label,
      shopDomain: body.shopDomain,
      siteUrl: body.siteUrl,
      appKey: body.appKey,
      storeRef: body.storeRef,
      rules: body.rules,
      timeZone: body.timeZone,
      webhookSecret: (china ? platformSecret : (body.webhookSecret ?? made)) as string,
      credentials: china ? platformCredentialsOf(body.platform, body, {}) : credentialsOf(body),
      mapping: body.mapping,
    });
    const view = this.view(connection);
    return { connection: view, webhookUrl: view.webhookUrl, ...(made ? { webhookSecret: made } : {}) };
  }

  @Patch(':connectionId')
  @Roles('staff', 'operator')
  @ApiOperation({
    summary:
      'Change a connection: its label, time zone, field mapping or buyer-note rules, write-back credentials, a Chinese platform’s new app secret or access token, or switch it off and on',
  })
  @ZodResponse({ status: 200, type: ConnectionView })
  async update(
    @Param('connectionId', ParseUUIDPipe) connectionId: string,
    @Body() body: UpdateConnectionBody,
    @Query() query: ShopQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const shopId = shopInScope(principal, query.shopId);
    const existing = await this.find(shopId, connectionId);
    if (isChinaPlatform(existing.platform)) return this.view(await this.updatePlatformConnection(existing, body));
    if (body.appSecret !== undefined || body.accessToken !== undefined || body.encodingAesKey !== undefined || body.rules !== undefined) {
      throw new DomainError('invalid', 'CREDENTIALS_OF_ANOTHER_PLATFORM', `appSecret, accessToken and rules are not ${existing.platform}'s`);
    }
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
  @ApiErrors(409)
  async rotate(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const existing = await this.find(shopId, connectionId);
    if (isChinaPlatform(existing.platform) && existing.platform !== 'wechat') {
      throw new DomainError('conflict', 'SECRET_ISSUED_BY_PLATFORM', `${existing.platform} issues the app secret: give the new one as appSecret (PATCH)`);
    }
    // WeChat takes a push Token of letters and digits only.
    const secret = existing.platform === 'wechat' ? newPushToken() : newSecret();
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
  @ApiErrors(409)
  @ZodResponse({ status: 200, type: TestResult })
  async test(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const connection = await this.find(shopId, connectionId);
    if (!connection.enabled) throw new DomainError('conflict', 'CONNECTION_DISABLED', 'the connection is switched off: enable it to test it');
    if (isChinaPlatform(connection.platform)) return { delivery: await this.testPush(connection) };
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

  /** A Chinese platform's connection: rules and access token replaced, a new app secret rotated in (WeChat: its AppSecret). */
  private async updatePlatformConnection(existing: Connection, body: UpdateConnectionBody): Promise<Connection> {
    const { shopId, connectionId, platform } = existing;
    if (body.adminAccessToken !== undefined || body.consumerKey !== undefined) {
      throw new DomainError('invalid', 'CREDENTIALS_OF_ANOTHER_PLATFORM', `these credentials are not ${platform}'s`);
    }
    if (body.accessToken !== undefined && platform === 'wechat') {
      throw new DomainError('invalid', 'CREDENTIALS_OF_ANOTHER_PLATFORM', 'WeChat Store access tokens are fetched with the AppSecret: no accessToken');
    }
    if (body.encodingAesKey !== undefined && platform !== 'wechat') {
      throw new DomainError('invalid', 'CREDENTIALS_OF_ANOTHER_PLATFORM', 'encodingAesKey is WeChat Store’s');
    }
    if (body.appSecret !== undefined && platform !== 'wechat') {
      // The platform may still sign a push or two with the old secret while it changes over.
      await this.connections.rotateSecret(shopId, connectionId, body.appSecret, this.config.ORDERS_INTAKE_SECRET_GRACE_MINUTES);
    }
    const changesCredentials = body.accessToken !== undefined || (platform === 'wechat' && (body.appSecret !== undefined || body.encodingAesKey !== undefined));
    const credentials = changesCredentials ? platformCredentialsOf(platform, body, await this.connections.platformCredentials(connectionId)) : undefined;
    const updated = await this.connections.update(shopId, connectionId, {
      label: body.label,
      timeZone: body.timeZone,
      mapping: body.mapping,
      enabled: body.enabled,
      rules: body.rules,
      ...(credentials ? { credentials } : {}),
    });
    if (!updated) throw connectionNotFound();
    return updated;
  }

  /**
   * The platform's own sample push, signed as the platform signs it, through the real receive path
   * (verified, stored under the test topic, answered) — never read or placed. A refused sample says
   * the secret or the app key given does not match.
   */
  private async testPush(connection: Connection) {
    const { platform, connectionId } = connection;
    const connector = this.connectors.find(platform);
    if (!connector) throw new DomainError('conflict', 'PLATFORM_NOT_CONNECTABLE', `no pushes are taken from ${platform} yet`);
    const access = await this.connections.platformAccess(connectionId);
    if (!access) throw connectionNotFound();
    // The connector signs for the URL of its push type: Meituan's are this one and `/<pushType>`.
    const sample = connector.samplePush(access, this.pushes.callbackUrl(platform, connectionId));
    const headers = Object.fromEntries(Object.entries(sample.headers).map(([name, value]) => [name.toLowerCase(), value]));
    const received = await this.pushes.receive(
      platform,
      connectionId,
      {
        method: 'POST',
        ...(sample.pushType !== undefined ? { pushType: sample.pushType } : {}),
        headers: { ...headers, 'content-type': sample.contentType },
        query: sample.query ?? {},
        rawBody: sample.body,
      },
      { test: true },
    );
    if (received.refused) throw new DomainError('conflict', 'TEST_PUSH_REFUSED', `the sample push was refused: ${received.refused.message}`);
    if (!received.deliveryId) throw new DomainError('conflict', 'TEST_PUSH_IGNORED', `the sample push was not stored: ${received.ignored ?? 'ignored'}`);
    await this.worker.processNow(received.deliveryId);
    const delivery = await this.deliveries.get(received.deliveryId);
    if (!delivery) throw new Error('the sample push is gone');
    return delivery;
  }

  private async find(shopId: string, connectionId: string): Promise<Connection> {
    const connection = await this.connections.get(shopId, connectionId);
    if (!connection) throw connectionNotFound();
    return connection;
  }

  private view(connection: Connection) {
    const base = this.config.ORDERS_INTAKE_PUBLIC_URL.replace(/\/+$/, '');
    const { platform, connectionId } = connection;
    if (isChinaPlatform(platform)) {
      const pushTypes = this.connectors.find(platform)?.pushTypes;
      const callbackUrls = pushTypes
        ? pushTypes.map((pushType) => ({ pushType, url: this.pushes.callbackUrl(platform, connectionId, pushType) }))
        : [{ url: this.pushes.callbackUrl(platform, connectionId) }];
      return { ...connection, source: sourceOf(connection), webhookUrl: callbackUrls[0].url, callbackUrls, topics: [...(pushTypes ?? [])] };
    }
    const shopify = platform === 'shopify';
    const webhookUrl = shopify ? `${base}/intake/shopify/webhooks` : `${base}/intake/woocommerce/webhooks/${connectionId}`;
    return {
      ...connection,
      source: sourceOf(connection),
      webhookUrl,
      callbackUrls: [{ url: webhookUrl }],
      topics: [...(shopify ? SHOPIFY_TOPICS : ['order.created', 'order.updated'])],
    };
  }
}

/** 32 random bytes: as strong as the HMAC key can use. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** 32 letters and digits: WeChat's push Token takes no other characters. */
function newPushToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let token = '';
  while (token.length < 32) {
    // Bytes of 248 and above are dropped: 248 = 4 × 62, so every character is as likely.
    for (const byte of randomBytes(48)) if (byte < 248 && token.length < 32) token += alphabet[byte % alphabet.length];
  }
  return token;
}

/** A Chinese platform's sealed credentials, the given ones over those held: WeChat's AppSecret and EncodingAESKey, the others' access token. */
function platformCredentialsOf(
  platform: string,
  body: { appSecret?: string; accessToken?: string; encodingAesKey?: string },
  held: PlatformCredentials,
): PlatformCredentials | undefined {
  const given: PlatformCredentials =
    platform === 'wechat'
      ? { ...(body.appSecret ? { appSecret: body.appSecret } : {}), ...(body.encodingAesKey ? { encodingAesKey: body.encodingAesKey } : {}) }
      : { ...(body.accessToken ? { accessToken: body.accessToken } : {}) };
  const merged = { ...held, ...given };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function credentialsOf(body: { adminAccessToken?: string; consumerKey?: string; consumerSecret?: string }): WriteBackCredentials | undefined {
  if (body.adminAccessToken) return { adminAccessToken: body.adminAccessToken };
  if (body.consumerKey && body.consumerSecret) return { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret };
  return undefined;
}

function connectionNotFound(): DomainError {
  return new DomainError('not_found', 'CONNECTION_NOT_FOUND', 'no such connection');
}
