import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a webhook is signed, and how a receiver checks it (docs/notifications.md shows shops the
 * same steps): `Petalpost-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, keyed with
 * the subscription's secret as given (its UTF-8 bytes). While a rotated secret is still in its
 * grace period the header carries one `v1=` value per secret, comma-separated.
 */

export const SECRET_PREFIX = 'whsec_';
const SCHEME = 'v1';
/** A receiver refuses timestamps further than this from its clock: a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** A signing secret from 32 random bytes (the caller draws them). */
export function signingSecretFrom(randomBytes: Buffer): string {
  if (randomBytes.length < 32) throw new Error('a signing secret needs at least 32 random bytes');
  return SECRET_PREFIX + randomBytes.toString('base64url');
}

export function signatureOf(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}

/** The Petalpost-Signature header: one v1= value per secret in force, the newest first. */
export function signatureHeader(secrets: readonly string[], timestampSeconds: number, body: string): string {
  if (secrets.length === 0) throw new Error('at least one secret is needed to sign');
  return secrets.map((secret) => `${SCHEME}=${signatureOf(secret, timestampSeconds, body)}`).join(',');
}

export interface SubscriptionSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** After a rotation the old secret keeps signing until its grace period ends, so receivers can switch without losing a delivery. */
export function secretsInForce(subscription: SubscriptionSecrets, nowMs: number): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = subscription;
  const previousStillValid = previousSecret !== null && previousSecretExpiresAt !== null && previousSecretExpiresAt.getTime() > nowMs;
  return previousStillValid ? [secret, previousSecret] : [secret];
}

export type Verification = { valid: true } | { valid: false; reason: 'malformed' | 'too_old' | 'too_new' | 'no_match' };

export interface SignedRequest {
  /** The raw request body, exactly as received: parsing and re-serialising changes the bytes. */
  body: string;
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
}

/** What a receiver does: a fresh timestamp, and one v1= value equal (in constant time) to what its secret gives. */
export function verifySignature(request: SignedRequest, secret: string, nowSeconds: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): Verification {
  const { body, timestampHeader, signatureHeader: header } = request;
  if (!timestampHeader || !/^\d{1,12}$/.test(timestampHeader) || !header) return { valid: false, reason: 'malformed' };
  const timestamp = Number(timestampHeader);
  if (timestamp < nowSeconds - toleranceSeconds) return { valid: false, reason: 'too_old' };
  if (timestamp > nowSeconds + toleranceSeconds) return { valid: false, reason: 'too_new' };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const given = header
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SCHEME}=`))
    .map((part) => Buffer.from(part.slice(SCHEME.length + 1), 'hex'));
  if (given.length === 0) return { valid: false, reason: 'malformed' };
  // timingSafeEqual throws on different lengths; a length never reveals the secret.
  const matches = given.some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected));
  return matches ? { valid: true } : { valid: false, reason: 'no_match' };
}
