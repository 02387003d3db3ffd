import { bearerToken, type Principal, type TokenVerifier } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import type { ActingPerson } from '../domain/shop.events';

/** The person a principal acts as: their person id is the token's subject. */
export const actingPerson = (principal: Principal): ActingPerson => ({ personId: principal.sub, operator: principal.role === 'operator' });

/**
 * The caller of a public route that also serves people who are signed in: no Authorization header
 * is nobody; a header with a bad token is refused (401), never read as nobody.
 */
export async function optionalPrincipal(tokens: TokenVerifier, authorization: string | string[] | undefined): Promise<Principal | undefined> {
  if (authorization === undefined) return undefined;
  return tokens.verify(bearerToken(authorization));
}

/**
 * At most `limit` attempts per client address per hour (fixed windows), for the routes anyone may
 * call and that hash a password. Kept in this process: each replica counts on its own. The address
 * is the connection's (behind a proxy, that proxy's, until the service is told to trust it).
 */
export class AddressLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly what: string,
    private readonly limit: number,
    private readonly windowMs = 60 * 60 * 1000,
  ) {}

  take(address: string, at = Date.now()): void {
    if (this.windows.size > 100_000) this.forgetOld(at);
    const window = this.windows.get(address);
    if (!window || at - window.startedAt >= this.windowMs) {
      this.windows.set(address, { startedAt: at, count: 1 });
      return;
    }
    if (window.count >= this.limit) {
      const retryAfterSeconds = Math.ceil((window.startedAt + this.windowMs - at) / 1000);
      throw new DomainError('too_many', 'TOO_MANY_ATTEMPTS', `at most ${this.limit} ${this.what} per address per hour: try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
    window.count++;
  }

  private forgetOld(at: number): void {
    for (const [address, window] of this.windows) if (at - window.startedAt >= this.windowMs) this.windows.delete(address);
  }
}
