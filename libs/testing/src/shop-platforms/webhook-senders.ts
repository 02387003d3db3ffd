import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * Deliveries sent exactly as Shopify and WooCommerce send them (headers, body bytes, signature),
 * for specs of our webhook receivers. Sources: Shopify's `ShopifyHeader` in @shopify/shopify-api and
 * shopify.dev/docs/apps/build/webhooks/verify-deliveries; WooCommerce's `WC_Webhook::deliver()` and
 * `generate_signature()` in plugins/woocommerce/includes/class-wc-webhook.php.
 */
export interface SentDelivery {
  /** The exact request sent. */
  headers: Record<string, string>;
  body: string;
  /** Our receiver's answer. */
  status: number;
  text: string;
}

/** base64 of the raw HMAC-SHA256 digest of the body bytes: the signature both platforms send. */
export function hmacSha256Base64(secret: string, body: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('base64');
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<SentDelivery> {
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
  return { headers, body, status: response.status, text: await response.text() };
}

export interface ShopifyDelivery {
  url: string;
  /** The app's client secret (or the shop's notification key for webhooks made in the admin). */
  secret: string;
  shopDomain: string;
  topic: 'orders/create' | 'orders/updated' | 'orders/cancelled' | 'orders/fulfilled' | (string & {});
  /** The order as REST-shaped JSON; sent compact, as Shopify sends it. */
  payload?: unknown;
  /** Exact body bytes, when a spec needs them (instead of payload). */
  rawBody?: string;
  apiVersion?: string;
  /** Stays the same across Shopify's retries of one delivery. */
  webhookId?: string;
  /** The same on every delivery of one event: the dedupe key. */
  eventId?: string;
  triggeredAt?: string;
  /** A signature to send instead of the right one (forgery specs). */
  signature?: string;
}

/** The request Shopify makes for a webhook delivery over HTTPS. */
export function shopifyWebhookRequest(delivery: ShopifyDelivery): { headers: Record<string, string>; body: string } {
  const body = delivery.rawBody ?? JSON.stringify(delivery.payload);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Shopify-Captain-Hook',
      'X-Shopify-Topic': delivery.topic,
      'X-Shopify-Hmac-Sha256': delivery.signature ?? hmacSha256Base64(delivery.secret, body),
      'X-Shopify-Shop-Domain': delivery.shopDomain,
      'X-Shopify-API-Version': delivery.apiVersion ?? '2026-04',
      'X-Shopify-Webhook-Id': delivery.webhookId ?? randomUUID(),
      'X-Shopify-Event-Id': delivery.eventId ?? randomUUID(),
      'X-Shopify-Triggered-At': delivery.triggeredAt ?? new Date().toISOString(),
    },
  };
}

export function sendShopifyWebhook(delivery: ShopifyDelivery): Promise<SentDelivery> {
  const { headers, body } = shopifyWebhookRequest(delivery);
  return post(delivery.url, headers, body);
}

/**
 * The bytes PHP's json_encode (WordPress's wp_json_encode without flags) writes: `/` escaped as
 * `\/` and every non-ASCII character as lowercase `\uXXXX` UTF-16 units. A receiver that
 * re-serialised instead of verifying the bytes it got would compute a different signature.
 */
export function wpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface WooCommerceDelivery {
  url: string;
  /** The secret typed into the webhook's settings. */
  secret: string;
  /** The site's home URL, with its trailing slash. */
  siteUrl: string;
  topic: 'order.created' | 'order.updated' | 'order.deleted' | 'order.restored' | (string & {});
  /** The order as the REST API v3 answers it; sent as wp_json_encode writes it. */
  payload?: unknown;
  rawBody?: string;
  /** The webhook's post id on its site. */
  webhookId?: number;
  deliveryId?: string;
  signature?: string;
}

/** The request WooCommerce's WC_Webhook::deliver() makes. */
export function wooCommerceWebhookRequest(delivery: WooCommerceDelivery): { headers: Record<string, string>; body: string } {
  const body = (delivery.rawBody ?? wpJsonEncode(delivery.payload)).trim();
  const [resource, event] = delivery.topic.split('.');
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'WooCommerce/10.3.0 Hookshot (WordPress/6.8.3)',
      'X-WC-Webhook-Source': delivery.siteUrl,
      'X-WC-Webhook-Topic': delivery.topic,
      'X-WC-Webhook-Resource': resource,
      'X-WC-Webhook-Event': event,
      'X-WC-Webhook-Signature': delivery.signature ?? hmacSha256Base64(delivery.secret, body),
      'X-WC-Webhook-ID': String(delivery.webhookId ?? randomInt(1, 10_000)),
      // wp_hash(webhook id . time): an MD5-long hex string, new for every delivery.
      'X-WC-Webhook-Delivery-ID': delivery.deliveryId ?? randomBytes(16).toString('hex'),
    },
  };
}

export function sendWooCommerceWebhook(delivery: WooCommerceDelivery): Promise<SentDelivery> {
  const { headers, body } = wooCommerceWebhookRequest(delivery);
  return post(delivery.url, headers, body);
}

/** The unsigned ping WooCommerce sends when a webhook is saved: form-encoded `webhook_id=<id>`, no X-WC headers. */
export function sendWooCommercePing(url: string, webhookId: number): Promise<SentDelivery> {
  return post(
    url,
    { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'WooCommerce/10.3.0 Hookshot (WordPress/6.8.3)' },
    `webhook_id=${webhookId}`,
  );
}
