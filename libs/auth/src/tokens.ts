import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '@petalpost/contracts';
import { type Principal, PrincipalSchema } from './principal';
export { bearerToken } from './token-verifier';

const ISSUER = 'petalpost';

/** Signs and verifies bearer tokens (HS256 with the shared JWT_SECRET). */
export class TokenService {
  private readonly jwt: JwtService;

  constructor(secret: string) {
    // A key object made once: given a string, jsonwebtoken first tries it as a PEM public key on every verify (≈0.7 ms).
    this.jwt = new JwtService({
      secret: createSecretKey(Buffer.from(secret, 'utf8')),
      signOptions: { algorithm: 'HS256', issuer: ISSUER },
      verifyOptions: { algorithms: ['HS256'], issuer: ISSUER },
    });
  }

  sign(principal: Principal, expiresInSeconds = 12 * 60 * 60): string {
    const { sub, ...claims } = PrincipalSchema.parse(principal);
    return this.jwt.sign(claims, { subject: sub, expiresIn: expiresInSeconds });
  }

  /** Throws `unauthenticated` for a missing, expired, forged or malformed token. */
  verify(token: string | undefined): Principal {
    return this.verifyWithExpiry(token).principal;
  }

  /** As verify, with when the token stops being valid (undefined for a token without `exp`): a long-lived connection ends then. */
  verifyWithExpiry(token: string | undefined): { principal: Principal; expiresAt?: Date } {
    if (!token) throw new DomainError('unauthenticated', 'TOKEN_MISSING', 'a bearer token is required');
    let claims: Record<string, unknown>;
    try {
      claims = this.jwt.verify<Record<string, unknown>>(token);
    } catch (err) {
      throw new DomainError('unauthenticated', 'TOKEN_INVALID', `token rejected: ${(err as Error).message}`);
    }
    const principal = PrincipalSchema.safeParse(claims);
    if (!principal.success) throw new DomainError('unauthenticated', 'TOKEN_INVALID', 'token claims are not a principal');
    return typeof claims.exp === 'number' ? { principal: principal.data, expiresAt: new Date(claims.exp * 1000) } : { principal: principal.data };
  }
}
