import { Inject, Injectable } from '@nestjs/common';
import type { Principal, ShopRoles } from '@petalpost/auth';
import { SERVICE_CONFIG } from '@petalpost/platform';
import { SigningKeys } from '../keys';
import type { ActingAs } from './domain/acting-membership';
import type { DirectoryMembership } from './sign-in-directory';
import type { SessionsConfig } from './sessions.config';

export interface IssuedAccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
}

/** Every shop the person belongs to with their roles there: the token's `shops` claim. */
export function shopRolesOf(memberships: readonly DirectoryMembership[]): ShopRoles {
  return Object.fromEntries(memberships.filter((m) => m.roles.length > 0).map((m) => [m.shopId, [...m.roles]]));
}

/** Signs access tokens with the active key, for a person's session or a shop system's key. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(SERVICE_CONFIG) private readonly config: SessionsConfig,
  ) {}

  async forSession(personId: string, acting: ActingAs, sessionId: string, memberships: readonly DirectoryMembership[]): Promise<IssuedAccessToken> {
    const principal: Principal = { role: acting.role, sub: personId, ...(acting.shopId ? { shopId: acting.shopId } : {}) };
    return this.issue(principal, { sessionId, shops: shopRolesOf(memberships) }, this.config.ACCOUNTS_ACCESS_TOKEN_SECONDS);
  }

  /** A shop system's scopes travel in the principal (`scopes`, the token's `scope` claim). */
  async issue(principal: Principal, options: { sessionId?: string; shops?: ShopRoles }, ttlSeconds: number): Promise<IssuedAccessToken> {
    const accessToken = (await this.keys.signer()).sign(principal, { ...options, ttlSeconds });
    const { exp } = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
    return { accessToken, tokenType: 'Bearer', expiresAt: new Date(exp * 1000).toISOString() };
  }
}
