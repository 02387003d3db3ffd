import { createSecretKey } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { type Principal, PrincipalSchema } from '@petalpost/auth';

/**
 * THE OLD PATH, kept here as the baseline only: how every service verified bearer tokens before
 * access tokens became ES256 — HS256 with one secret all services shared, through @nestjs/jwt, then
 * the claims parsed as a principal. Reproduced as it was (libs/auth's former TokenService) so the
 * bench can compare against it after it is gone from the services. Never use it to issue tokens.
 */
const OLD_ISSUER = 'petalpost';

export class OldHs256Tokens {
  private readonly jwt: JwtService;

  constructor(secret: string) {
    // As the old service did: a key object made once, not the string (jsonwebtoken would try a string as a PEM public key on every verify).
    this.jwt = new JwtService({
      secret: createSecretKey(Buffer.from(secret, 'utf8')),
      signOptions: { algorithm: 'HS256', issuer: OLD_ISSUER },
      verifyOptions: { algorithms: ['HS256'], issuer: OLD_ISSUER },
    });
  }

  /** The old default lifetime: 12 hours. */
  sign(principal: Principal, expiresInSeconds = 12 * 60 * 60): string {
    const { sub, ...claims } = PrincipalSchema.parse(principal);
    return this.jwt.sign(claims, { subject: sub, expiresIn: expiresInSeconds });
  }

  verify(token: string): Principal {
    const claims = this.jwt.verify<Record<string, unknown>>(token);
    const principal = PrincipalSchema.safeParse(claims);
    if (!principal.success) throw new Error('token claims are not a principal');
    return principal.data;
  }
}
