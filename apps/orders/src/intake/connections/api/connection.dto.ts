import { TimeZoneSchema } from '@petalpost/contracts';
import { createZodDto } from '@petalpost/platform';
import { z } from 'zod';
import { FieldMappingSchema } from '../../domain/field-mapping';
import { DELIVERY_OUTCOMES } from '../../webhooks/intake-deliveries.store';

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

export const ShopQuerySchema = z.strictObject({
  shopId: z.string().min(1).max(64).optional().describe('Operators: the shop acted for (staff act for their own)'),
});
export class ShopQuery extends createZodDto(ShopQuerySchema) {}

export class CreateConnectionBody extends createZodDto(
  z
    .strictObject({
      platform: z.enum(['shopify', 'woocommerce']),
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
    })
    .superRefine((body, ctx) => {
      const shopify = body.platform === 'shopify';
      if (shopify && !body.shopDomain) ctx.addIssue({ code: 'custom', path: ['shopDomain'], message: 'a Shopify connection names its store' });
      if (!shopify && !body.siteUrl) ctx.addIssue({ code: 'custom', path: ['siteUrl'], message: 'a WooCommerce connection names its site' });
      if (shopify && (body.siteUrl || body.consumerKey || body.consumerSecret))
        ctx.addIssue({ code: 'custom', message: 'siteUrl and consumer keys are for WooCommerce' });
      if (!shopify && (body.shopDomain || body.adminAccessToken)) ctx.addIssue({ code: 'custom', message: 'shopDomain and adminAccessToken are for Shopify' });
      if ((body.consumerKey === undefined) !== (body.consumerSecret === undefined))
        ctx.addIssue({ code: 'custom', message: 'give consumerKey and consumerSecret together' });
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
    })
    .refine((b) => (b.consumerKey === undefined) === (b.consumerSecret === undefined), 'give consumerKey and consumerSecret together')
    .meta({ example: { enabled: false } }),
) {}

export const ConnectionViewSchema = z.object({
  connectionId: z.string(),
  shopId: z.string(),
  platform: z.enum(['shopify', 'woocommerce']),
  label: z.string(),
  shopDomain: z.string().optional(),
  siteUrl: z.string().optional(),
  timeZone: z.string(),
  source: z.string().describe('How intake names orders from this store (`shopify:<domain>`, `woocommerce:<site>`)'),
  webhookUrl: z.string().describe('Paste this into the shop system as the webhook’s delivery URL'),
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
