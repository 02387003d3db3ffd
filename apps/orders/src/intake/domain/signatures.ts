import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 digest bytes: what both platforms put in their signature header, base64-encoded. */
const DIGEST_BYTES = 32;

/**
 * The signature Shopify (`X-Shopify-Hmac-Sha256`) and WooCommerce (`X-WC-Webhook-Signature`) both
 * send: base64 of the HMAC-SHA256 of the exact body bytes, keyed with the secret as typed (UTF-8).
 */
export function webhookSignature(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest('base64');
}

/**
 * Whether `header` signs `rawBody` under any of `secrets` (the current one, and the previous one
 * while a rotation's grace lasts). Compared in constant time over the digest bytes; every secret
 * is tried, so the time does not tell which one matched.
 */
export function verifyWebhookSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (header === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(header.trim())) return false;
  const given = Buffer.from(header.trim(), 'base64');
  if (given.length !== DIGEST_BYTES) return false;
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(rawBody).digest();
    if (timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
