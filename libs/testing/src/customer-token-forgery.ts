import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_TYPE, DEVELOPMENT_KEY_ID, developmentTokens, SIGNING_ALGORITHM, TOKEN_ISSUER } from '@petalpost/auth';

/**
 * What a customer's tracking-link token used to look like: a JWT for role `customer`, scoped to one
 * order, otherwise a valid access token (a trusted key, our issuer, the API audience, five minutes to live).
 * Customers get no access token any more (they follow an opaque tracking link to /track), so every
 * service must refuse this with 401 and change nothing. The signer refuses to make one, hence the
 * hand-built token; `forgeAccessToken` with any other role is accepted, which is what makes a 401
 * for this one mean "customers are refused" rather than "the token is broken".
 */
export function customerTokenForgery(orderId: string, sub = 'tracking-link-holder'): string {
  return forgeAccessToken({ role: 'customer', orderId, sub });
}

/** An access token signed with the development key, with the claims given as they are. */
export function forgeAccessToken(claims: Record<string, unknown> & { sub: string }): string {
  const jwt = new JwtService({ privateKey: developmentTokens().key.privateKey as never });
  const iat = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { ...claims, iss: TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat, exp: iat + 5 * 60, jti: randomUUID() },
    { algorithm: SIGNING_ALGORITHM, header: { alg: SIGNING_ALGORITHM, kid: DEVELOPMENT_KEY_ID, typ: ACCESS_TOKEN_TYPE } },
  );
}
