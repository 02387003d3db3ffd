import type { TokenService } from '@petalpost/auth';
import type { TrackedOrder } from './domain/tracked-order.evolve';
import { linkExpiresAt } from './domain/tracking-view';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A customer's token for one order. The link's real end is the order's (delivered, cancelled,
 * rejected or returned, plus the grace period), checked on every request; the token's own expiry
 * is only an outer limit, counted from the delivery window, since a signed token cannot be recalled.
 */
export function mintTrackingToken(tokens: TokenService, order: Pick<TrackedOrder, 'orderId' | 'window'>, now: Date, tokenDays: number): string {
  const until = Math.max(now.getTime(), Date.parse(order.window.to)) + tokenDays * DAY_MS;
  return tokens.sign({ role: 'customer', sub: `tracking-link:${order.orderId}`, orderId: order.orderId }, Math.ceil((until - now.getTime()) / 1000));
}

export function trackingLinkOf(
  tokens: TokenService,
  order: Pick<TrackedOrder, 'orderId' | 'window' | 'status' | 'reachedAt'>,
  options: { baseUrl: string; now: Date; tokenDays: number; graceHours: number },
): { url: string; expiresAt?: string } {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/track/${mintTrackingToken(tokens, order, options.now, options.tokenDays)}`;
  const expiresAt = linkExpiresAt(order, options.graceHours);
  return expiresAt ? { url, expiresAt } : { url };
}

/** The order a tracking link is for; undefined for anything that is not a valid customer token. */
export function orderOfTrackingToken(tokens: TokenService, token: string): string | undefined {
  try {
    const principal = tokens.verify(token);
    return principal.role === 'customer' ? principal.orderId : undefined;
  } catch {
    return undefined;
  }
}
