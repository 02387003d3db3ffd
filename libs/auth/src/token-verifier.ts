import { DomainError } from '@petalpost/contracts';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE, MAX_ACCESS_TOKEN_SECONDS, SIGNING_ALGORITHM, TOKEN_ISSUER } from './access-tokens';
import { DEVELOPMENT_KEY_ID, developmentPublicJwk } from './development-key';
import { type Principal, PrincipalSchema } from './principal';

/** Where a service takes the keys it trusts from. */
export interface TrustedKeys {
  /** The accounts service's JWKS document. */
  jwksUrl?: string;
  /** Trust the public development key too (loopback development and tests only). */
  developmentKey?: boolean;
  /** Keys given inline (a test's own accounts keys, say). */
  jwks?: JSONWebKeySet;
  /** The least time between two fetches of the JWKS (an unknown `kid` fetches again after it). */
  refetchCooldownMs?: number;
  /** How long fetched keys count as fresh before the JWKS is fetched again. */
  cacheMaxAgeMs?: number;
}

// Clocks of NTP-synchronised hosts agree within a few seconds; more would stretch every token's life.
const CLOCK_TOLERANCE_SECONDS = 10;

/**
 * The accounts service's keys, fetched and cached (jose refetches on an unknown `kid`, at most
 * every cooldown). When the accounts service cannot be reached, the last keys fetched keep verifying:
 * tokens already issued work until they expire.
 */
function remoteKeys(url: string, cooldownMs: number, cacheMaxAgeMs: number): JWTVerifyGetKey {
  // Told when jose has fetched, so the fallback copy is rebuilt then and not on every verify.
  let fetched = false;
  const remote = createRemoteJWKSet(new URL(url), {
    cooldownDuration: cooldownMs,
    cacheMaxAge: cacheMaxAgeMs,
    [customFetch]: async (...args: Parameters<typeof fetch>) => {
      const response = await fetch(...args);
      fetched = true;
      return response;
    },
  });
  let lastGood: ReturnType<typeof createLocalJWKSet> | undefined;
  let failedAt = -Infinity;
  return async (header, token) => {
    // While it is known down, do not make every request wait on the fetch's timeout.
    if (lastGood && Date.now() - failedAt < cooldownMs) return lastGood(header, token);
    try {
      const key = await remote(header, token);
      const current = fetched ? remote.jwks() : undefined;
      if (current) {
        lastGood = createLocalJWKSet(current);
        fetched = false;
      }
      return key;
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys || !lastGood) throw err;
      failedAt = Date.now();
      return lastGood(header, token);
    }
  };
}

function keyResolver(trusted: TrustedKeys): JWTVerifyGetKey {
  const development = trusted.developmentKey ? createLocalJWKSet({ keys: [developmentPublicJwk] }) : undefined;
  const inline = trusted.jwks ? createLocalJWKSet(trusted.jwks) : undefined;
  const remote = trusted.jwksUrl ? remoteKeys(trusted.jwksUrl, trusted.refetchCooldownMs ?? 30_000, trusted.cacheMaxAgeMs ?? 10 * 60_000) : undefined;
  return async (header, token) => {
    if (header.kid === DEVELOPMENT_KEY_ID) {
      if (development) return development(header, token);
      throw new errors.JWKSNoMatchingKey();
    }
    if (inline) {
      try {
        return await inline(header, token);
      } catch (err) {
        if (!remote) throw err;
      }
    }
    if (remote) return remote(header, token);
    throw new errors.JWKSNoMatchingKey();
  };
}

export interface VerifiedToken {
  principal: Principal;
  /** When the token stops being valid: a stream opened with it ends then unless renewed. */
  expiresAt: Date;
}

/**
 * Verifies access tokens against the accounts service's public keys. No service holds a signing
 * key: a token is good only if signed by a trusted key (by `kid`), made for the API (`aud`, `typ`),
 * unexpired, and issued for at most MAX_ACCESS_TOKEN_SECONDS.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(trusted: TrustedKeys) {
    this.keys = keyResolver(trusted);
  }

  /** Throws `unauthenticated` for a missing, expired, forged, foreign or malformed token. */
  async verify(token: string | undefined): Promise<Principal> {
    return (await this.verifyWithExpiry(token)).principal;
  }

  async verifyWithExpiry(token: string | undefined): Promise<VerifiedToken> {
    if (!token) throw new DomainError('unauthenticated', 'TOKEN_MISSING', 'a bearer token is required');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: [SIGNING_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: MAX_ACCESS_TOKEN_SECONDS + CLOCK_TOLERANCE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (err) {
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', `token rejected: ${reason(err)}`);
    }
    const exp = payload.exp as number;
    if (exp - (payload.iat as number) > MAX_ACCESS_TOKEN_SECONDS) {
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', `token rejected: it was issued for longer than ${MAX_ACCESS_TOKEN_SECONDS} s`);
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : undefined;
    const principal = PrincipalSchema.safeParse({ ...payload, sessionId: payload.sid, scopes });
    if (!principal.success || principal.data.role === 'customer') {
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'token claims are not a principal');
    }
    const { role, sub, shopId, sessionId } = principal.data;
    return {
      principal: { role, sub, ...(shopId ? { shopId } : {}), ...(sessionId ? { sessionId } : {}), ...(scopes ? { scopes } : {}) },
      expiresAt: new Date(exp * 1000),
    };
  }
}

function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWKSNoMatchingKey) return 'it is signed by a key this service does not trust';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim} ${err.reason === 'missing' ? 'is missing' : 'is not acceptable'}`;
  if (err instanceof errors.JOSEError) return err.message;
  return (err as Error).message;
}

/** Extracts the token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)$/i.exec(value ?? '');
  return match?.[1];
}
