import { TimeZoneSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';
import { FieldMappingSchema } from '../../domain/field-mapping';
import { PlatformRulesOverridesSchema } from '../../platforms/buyer-note';
import { isChinaPlatform } from '../../platforms/platform-connector';
import { DELIVERY_OUTCOMES } from '../../webhooks/intake-deliveries.store';
import { PLATFORMS } from '../intake-connections.store';

/** Request and response bodies of the connections API. Unknown fields are refused; no answer ever carries a secret but once, when it is made. */

const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'the store’s permanent domain, e.g. petals.myshopify.com');
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const siteUrl = z
  .url({ protocol: /^https?$/ })
  .max(300)
  // The REST keys for write-back and the poll travel with every call: plain http only to a site on this machine.
  .refine((url) => url.startsWith('https:') || LOOPBACK.has(new URL(url).hostname), 'an https URL (plain http only for a site on loopback)')
  .describe('The WordPress site’s home URL, as WooCommerce names it in X-WC-Webhook-Source');
const secret = z.string().min(16, 'at least 16 characters').max(200);
const label = z.string().trim().min(1).max(100);
const credential = z.string().min(8).max(300);
const appKey = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and . _ : -');
const appSecret = z.string().min(8).max(200);
const accessToken = z.string().min(8).max(1000);
const encodingAesKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}$/, '43 letters, digits, + or /, as WeChat makes it')
  .describe('WeChat Store only: the message-push EncodingAESKey, which opens its pushes (the store sends only in safe mode)');

export const ShopQuerySchema = z.strictObject({
  shopId: z.string().min(1).max(64).optional().describe('Operators: the shop acted for (staff act for their own)'),
});
export class ShopQuery extends createZodDto(ShopQuerySchema) {}

export class CreateConnectionBody extends createZodDto(
  z
    .strictObject({
      platform: z.enum(PLATFORMS),
      label,
      shopDomain: shopDomain.optional().describe('Shopify: the store’s myshopify.com domain (how its deliveries find this shop)'),
      siteUrl: siteUrl.optional().describe('WooCommerce: the site’s URL'),
      timeZone: TimeZoneSchema.describe('The shop’s time zone: delivery dates and time slots in orders are read in it'),
      webhookSecret: secret
        .optional()
        .describe('Shopify: the app’s client secret, or the key shown under Settings → Notifications → Webhooks. WooCommerce: leave out to have one made'),
      adminAccessToken: credential.optional().describe('Shopify: an Admin API access token, for writing delivery status back'),
      consumerKey: credential.optional().describe('WooCommerce: REST API consumer key, for write-back and the reconciliation poll'),
      consumerSecret: credential.optional(),
      mapping: FieldMappingSchema.default({}).describe('Where the delivery date, slot and card message are (default: the popular apps)'),
      appKey: appKey.optional().describe('Meituan app_id, Ele.me source, Youzan client_id, WeChat Store appid (required for these)'),
      appSecret: appSecret
        .optional()
        .describe('Meituan app_secret, Ele.me secret, Youzan client_secret (signs pushes and calls); WeChat Store: the API AppSecret. Required for these'),
      pushToken: z
        .string()
        .regex(/^[A-Za-z0-9]{3,32}$/, '3 to 32 letters or digits, as WeChat takes it')
        .optional()
        .describe('WeChat Store only, required: the message-push Token set in its console (signs its pushes)'),
      storeRef: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe('The shop on the platform: Meituan app_poi_code, Ele.me shop_id, Youzan kdt_id (required for these three)'),
      accessToken: accessToken.optional().describe('Meituan service-provider apps, Ele.me, Youzan: the access_token granted for this shop'),
      encodingAesKey: encodingAesKey.optional(),
      rules: PlatformRulesOverridesSchema.optional(),
    })
    .superRefine((body, ctx) => {
      const issue = (message: string, path?: string) => ctx.addIssue({ code: 'custom', message, ...(path ? { path: [path] } : {}) });
      const china = isChinaPlatform(body.platform);
      if (body.platform === 'shopify' && !body.shopDomain) issue('a Shopify connection names its store', 'shopDomain');
      if (body.platform === 'woocommerce' && !body.siteUrl) issue('a WooCommerce connection names its site', 'siteUrl');
      if (body.platform !== 'woocommerce' && (body.siteUrl || body.consumerKey || body.consumerSecret)) issue('siteUrl and consumer keys are for WooCommerce');
      if (body.platform !== 'shopify' && (body.shopDomain || body.adminAccessToken)) issue('shopDomain and adminAccessToken are for Shopify');
      if ((body.consumerKey === undefined) !== (body.consumerSecret === undefined)) issue('give consumerKey and consumerSecret together');
      if (!china && (body.appKey || body.appSecret || body.pushToken || body.storeRef || body.accessToken || body.encodingAesKey || body.rules))
        issue('appKey, appSecret, pushToken, storeRef, accessToken, encodingAesKey and rules are for Meituan, Ele.me, Youzan and WeChat Store');
      if (!china) return;
      if (body.webhookSecret) issue(`${body.platform} signs with its app secret: give appSecret (and pushToken for WeChat Store)`, 'webhookSecret');
      if (!body.appKey) issue(`a ${body.platform} connection names its app key`, 'appKey');
      if (!body.appSecret) issue(`a ${body.platform} connection needs its app secret`, 'appSecret');
      if (body.platform === 'wechat') {
        if (!body.pushToken) issue('a WeChat Store connection needs the message-push Token', 'pushToken');
        if (body.storeRef) issue('a WeChat Store is its app: no storeRef', 'storeRef');
        if (body.accessToken) issue('WeChat Store access tokens are fetched with the AppSecret: no accessToken', 'accessToken');
      } else {
        if (body.pushToken) issue('pushToken is for WeChat Store', 'pushToken');
        if (body.encodingAesKey) issue('encodingAesKey is for WeChat Store', 'encodingAesKey');
        if (!body.storeRef) issue(`a ${body.platform} connection names the shop on the platform`, 'storeRef');
      }
    })
    .meta({
      example: {
        platform: 'shopify',
        label: 'Web shop',
        shopDomain: 'petals.myshopify.com',
        timeZone: 'Europe/Amsterdam',
        webhookSecret: 'shpss_0123456789abcdef0123456789abcdef',
        mapping: { deliveryDate: [{ from: 'order', name: 'Delivery-Date' }], deliveryTime: [{ from: 'order', name: 'Delivery-Time' }] },
      },
    }),
) {}

export class UpdateConnectionBody extends createZodDto(
  z
    .strictObject({
      label: label.optional(),
      timeZone: TimeZoneSchema.optional(),
      mapping: FieldMappingSchema.optional().describe('Replaces the mapping'),
      enabled: z.boolean().optional().describe('A disabled connection answers its deliveries 404 and takes nothing'),
      adminAccessToken: credential.optional(),
      consumerKey: credential.optional(),
      consumerSecret: credential.optional(),
      appSecret: appSecret
        .optional()
        .describe(
          'Meituan, Ele.me, Youzan: the new app secret the platform issued (the previous one keeps verifying for ORDERS_INTAKE_SECRET_GRACE_MINUTES); WeChat Store: the new AppSecret',
        ),
      accessToken: accessToken.optional().describe('Meituan, Ele.me, Youzan: a new access_token for this shop'),
      encodingAesKey: encodingAesKey.optional(),
      rules: PlatformRulesOverridesSchema.optional().describe('Replaces the rules'),
    })
    .refine((b) => (b.consumerKey === undefined) === (b.consumerSecret === undefined), 'give consumerKey and consumerSecret together')
    .meta({ example: { enabled: false } }),
) {}

export const ConnectionViewSchema = z.object({
  connectionId: z.string(),
  shopId: z.string(),
  platform: z.enum(PLATFORMS),
  label: z.string(),
  shopDomain: z.string().optional(),
  siteUrl: z.string().optional(),
  appKey: z.string().optional().describe('Meituan, Ele.me, Youzan, WeChat Store: the app key'),
  storeRef: z.string().optional().describe('Meituan app_poi_code, Ele.me shop_id, Youzan kdt_id'),
  rules: PlatformRulesOverridesSchema.optional(),
  timeZone: z.string(),
  source: z
    .string()
    .describe('How intake names orders from this store (`shopify:<domain>`, `woocommerce:<site>`, `<platform>:<store or app key>` for the Chinese platforms)'),
  webhookUrl: z.string().describe('Paste this into the shop system as the webhook’s delivery URL (the first of callbackUrls)'),
  callbackUrls: z
    .array(z.object({ pushType: z.string().optional().describe('Meituan: the push this URL takes'), url: z.string() }))
    .describe('Every URL to paste into the platform’s console: Meituan one per push type, the others one'),
  topics: z.array(z.string()).describe('The webhook topics to subscribe to'),
  secretHint: z.string().describe('The end of the current webhook secret'),
  previousSecretValidUntil: z.string().optional().describe('After a rotation: the previous secret still verifies until then'),
  hasWriteBackCredentials: z.boolean(),
  mapping: FieldMappingSchema,
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export class ConnectionView extends createZodDto(ConnectionViewSchema) {}
export class ConnectionList extends createZodDto(z.object({ connections: z.array(ConnectionViewSchema) })) {}
export class CreatedConnection extends createZodDto(
  z.object({
    connection: ConnectionViewSchema,
    webhookUrl: z.string(),
    webhookSecret: z.string().optional().describe('Shown this once, when it was made here: paste it into WooCommerce'),
  }),
) {}
export class RotatedSecret extends createZodDto(
  z.object({ connection: ConnectionViewSchema, webhookSecret: z.string().describe('Shown this once: paste it into the shop system') }),
) {}

export const DeliveryViewSchema = z.object({
  deliveryId: z.string(),
  eventId: z.string(),
  topic: z.string(),
  receivedAt: z.string(),
  state: z.enum(['received', 'processed', 'failed']),
  outcome: z.enum(DELIVERY_OUTCOMES).optional(),
  reason: z.string().optional(),
  intakeId: z.string().optional(),
  orderId: z.string().optional(),
  externalRef: z.string().optional(),
});
export class DeliveryList extends createZodDto(z.object({ deliveries: z.array(DeliveryViewSchema) })) {}
export class DeliveriesQuery extends createZodDto(ShopQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(100).default(20) })) {}
export class TestResult extends createZodDto(
  z.object({
    delivery: DeliveryViewSchema.describe('The signed sample delivery as it went through the webhook path: stored, verified, mapped (never placed)'),
  }),
) {}
