import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { type Role, RoleSchema } from '@petalpost/contracts';
import { z } from 'zod';
import { type Principal, PrincipalSchema } from './principal';

/** Who issues access tokens: the accounts service. */
export const TOKEN_ISSUER = 'petalpost-accounts';
/** The one purpose an access token is good for: calling the services' APIs. Every service refuses any other `aud`. */
export const ACCESS_TOKEN_AUDIENCE = 'petalpost-api';
/** RFC 9068's media type for JWT access tokens, in the header's `typ`: a token of another kind is refused even if signed by us. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The longest an access token may live; verification refuses a longer one too. */
export const MAX_ACCESS_TOKEN_SECONDS = 15 * 60;
export const SIGNING_ALGORITHM = 'ES256';

/** A person's roles at each shop they belong to, as carried by their access token. */
export const ShopRolesSchema = z.record(z.string().min(1), z.array(RoleSchema).min(1));
export type ShopRoles = Record<string, Role[]>;

/** A private signing key and the id its tokens carry in `kid`. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A new P-256 key for ES256. */
export function generateSigningKey(kid: string = randomUUID()): SigningKey {
  return { kid, privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
}

/** The public half of a signing key as a JWK for a JWKS document. */
export function publicJwk(key: SigningKey): JsonWebKey & { kid: string; alg: string; use: string } {
  const { kty, crv, x, y } = key.privateKey.export({ format: 'jwk' });
  return { kty, crv, x, y, kid: key.kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

export function signingKeyFromJwk(kid: string, jwk: JsonWebKey): SigningKey {
  return { kid, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) };
}

export interface AccessTokenOptions {
  /** Seconds the token lives, at most MAX_ACCESS_TOKEN_SECONDS. */
  ttlSeconds?: number;
  /** The session it was issued for, so it can be told apart and revoked with it. */
  sessionId?: string;
  /** Every shop the person belongs to, with their roles there (the token acts as `role` at `shopId`). */
  shops?: ShopRoles;
}

/**
 * Signs access tokens with one ES256 key. Synchronous (it signs with jsonwebtoken), so the
 * accounts service and the development token command share it with specs that build headers inline.
 */
export class AccessTokenSigner {
  private readonly jwt: JwtService;

  constructor(readonly key: SigningKey) {
    this.jwt = new JwtService({
      privateKey: key.privateKey as never,
      signOptions: {
        algorithm: SIGNING_ALGORITHM,
        issuer: TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        keyid: key.kid,
        header: { alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
      },
    });
  }

  sign(principal: Principal, options: AccessTokenOptions = {}): string {
    const ttl = options.ttlSeconds ?? MAX_ACCESS_TOKEN_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_ACCESS_TOKEN_SECONDS) {
      throw new RangeError(`an access token lives 1..${MAX_ACCESS_TOKEN_SECONDS} seconds, not ${ttl}`);
    }
    const { sub, sessionId, scopes, ...claims } = PrincipalSchema.parse(principal);
    if (claims.role === 'customer') throw new RangeError('customers follow a tracking link; they get no access token');
    return this.jwt.sign(
      {
        ...claims,
        ...(scopes ? { scope: scopes.join(' ') } : {}),
        ...(options.shops ? { shops: options.shops } : {}),
        ...((options.sessionId ?? sessionId) ? { sid: options.sessionId ?? sessionId } : {}),
      },
      { subject: sub, expiresIn: ttl, jwtid: randomUUID() },
    );
  }
}
