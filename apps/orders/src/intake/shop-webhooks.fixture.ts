import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Webhook deliveries sent as Shopify and WooCommerce send them: the headers Shopify's own
 * library names (ShopifyHeader in @shopify/shopify-api) and those WC_Webhook::deliver() sets, and
 * the signature both compute — base64 of the HMAC-SHA256 of the body bytes under the secret.
 */

export function signature(secret: string, body: string | Buffer): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('base64');
}

export interface Sent {
  status: number;
  body: Record<string, unknown>;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<Sent> {
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface ShopifyDelivery {
  shopDomain: string;
  secret: string;
  topic: string;
  order: unknown;
  eventId?: string;
  webhookId?: string;
  /** Sent instead of the right signature (forgeries). */
  hmac?: string | null;
  /** Exact bytes to send instead of the order's JSON. */
  rawBody?: string;
}

/** POSTs a delivery to /intake/shopify/webhooks as Shopify does; returns the exact request for a replay. */
export function shopifyRequest(delivery: ShopifyDelivery): { headers: Record<string, string>; body: string } {
  const body = delivery.rawBody ?? JSON.stringify(delivery.order);
  const hmac = delivery.hmac === undefined ? signature(delivery.secret, body) : delivery.hmac;
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-topic': delivery.topic,
      ...(hmac === null ? {} : { 'x-shopify-hmac-sha256': hmac }),
      'x-shopify-shop-domain': delivery.shopDomain,
      'x-shopify-api-version': '2026-04',
      'x-shopify-webhook-id': delivery.webhookId ?? randomUUID(),
      'x-shopify-event-id': delivery.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  };
}

export function sendRequest(url: string, request: { headers: Record<string, string>; body: string }): Promise<Sent> {
  return post(url, request.headers, request.body);
}

/**
 * The body WordPress sends: wp_json_encode escapes `/` and writes non-ASCII as \uXXXX, unlike
 * JSON.stringify — a receiver that re-serialised before verifying would get another signature.
 */
export function wpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function sendWooCommerce(url: string, delivery: { secret: string; topic: string; order: unknown; siteUrl: string }): Promise<Sent> {
  const body = wpJsonEncode(delivery.order);
  const [resource, event] = delivery.topic.split('.');
  return post(
    url,
    {
      'content-type': 'application/json',
      'user-agent': 'WooCommerce/9.8.0 Hookshot (WordPress/6.8)',
      'x-wc-webhook-source': delivery.siteUrl,
      'x-wc-webhook-topic': delivery.topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signature(delivery.secret, body),
      'x-wc-webhook-id': '17',
      'x-wc-webhook-delivery-id': randomUUID().replace(/-/g, ''),
    },
    body,
  );
}

/** WooCommerce's ping when a webhook is saved: form-encoded, unsigned, no X-WC-* headers. */
export function pingWooCommerce(url: string): Promise<Sent> {
  return post(url, { 'content-type': 'application/x-www-form-urlencoded' }, 'webhook_id=17');
}

/** WooCommerce's published order (fixtures/README.md). */
export function publishedWooOrder(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'woocommerce-order.created.json'), 'utf8')) as Record<string, unknown>;
}

export { shopifyOrder } from '@petalpost/testing/shop-platforms';
