import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '@petalpost/contracts';
import { AccessTokenSigner, generateSigningKey, MAX_ACCESS_TOKEN_SECONDS, publicJwk, type SigningKey } from './access-tokens';
import { DEVELOPMENT_KEY_ID, developmentTokens } from './development-key';
import { TokenVerifier } from './token-verifier';

const dana = { role: 'dispatcher', sub: 'dana', shopId: 's1' } as const;

/** A JWKS endpoint standing in for the accounts service: its keys can change, and it can go down. */
async function jwksServer(keys: SigningKey[]) {
  const state = { keys, down: false, fetches: 0 };
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    if (state.down) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys.map(publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return { state, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function refusal(verifier: TokenVerifier, token: string | undefined): Promise<DomainError> {
  const err = await verifier.verify(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).kind).toBe('unauthenticated');
  return err as DomainError;
}

/** Signs exactly the header and claims given, to build tokens the signer would never make. */
function raw(claims: object, header: object = { alg: 'ES256', kid: DEVELOPMENT_KEY_ID, typ: 'at+jwt' }): string {
  return new JwtService({ privateKey: developmentTokens().key.privateKey as never }).sign(claims, { algorithm: 'ES256', header: header as never });
}

describe('access tokens', () => {
  const verifier = new TokenVerifier({ developmentKey: true });
  const now = Math.floor(Date.now() / 1000);
  const good = { role: 'staff', shopId: 's1', sub: 'alice', iss: 'petalpost-accounts', aud: 'petalpost-api' };

  it('carry role, subject, shop and session from signing to verifying, and say when they expire', async () => {
    const before = Date.now();
    const token = developmentTokens().sign(dana, { ttlSeconds: 600, sessionId: 'sess-1', shops: { s1: ['dispatcher', 'rider'] } });
    const { principal, expiresAt } = await verifier.verifyWithExpiry(token);
    expect(principal).toEqual({ ...dana, sessionId: 'sess-1' });
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('cannot be signed for longer than fifteen minutes, nor for a customer, nor for a shop role without a shop', () => {
    expect(() => developmentTokens().sign(dana, { ttlSeconds: MAX_ACCESS_TOKEN_SECONDS + 1 })).toThrow(/1\.\.900/);
    expect(() => developmentTokens().sign({ role: 'customer', sub: 'c', orderId: 'o1' })).toThrow(/tracking link/);
    expect(() => developmentTokens().sign({ role: 'staff', sub: 'alice' })).toThrow(/shopId/);
  });

  it('are refused when missing, forged or signed by an unknown key', async () => {
    expect((await refusal(verifier, undefined)).code).toBe('TOKEN_MISSING');
    const forged = new AccessTokenSigner(generateSigningKey(DEVELOPMENT_KEY_ID)).sign(dana);
    expect((await refusal(verifier, forged)).message).toMatch(/signature/);
    const unknown = new AccessTokenSigner(generateSigningKey('nobody-knows-me')).sign(dana);
    expect((await refusal(verifier, unknown)).message).toMatch(/does not trust/);
  });

  it('are refused when expired, without exp, for another audience or type, or issued for too long', async () => {
    expect((await verifier.verify(raw({ ...good, iat: now, exp: now + 60 }))).sub).toBe('alice');
    expect((await refusal(verifier, raw({ ...good, iat: now - 120, exp: now - 60 }))).message).toMatch(/expired/);
    expect((await refusal(verifier, raw({ ...good, iat: now }))).message).toMatch(/exp/);
    expect((await refusal(verifier, raw({ ...good, aud: 'petalpost-invitations', iat: now, exp: now + 60 }))).message).toMatch(/aud/);
    expect((await refusal(verifier, raw({ ...good, iat: now, exp: now + 60 }, { alg: 'ES256', kid: DEVELOPMENT_KEY_ID, typ: 'JWT' }))).message).toMatch(/typ/);
    expect((await refusal(verifier, raw({ ...good, iat: now, exp: now + 3600 }))).message).toMatch(/900/);
  });

  it('are refused unsigned (alg none) and for a customer', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...good, iat: now, exp: now + 60 })}.`;
    expect((await refusal(verifier, unsigned)).code).toBe('TOKEN_INVALID');
    expect((await refusal(verifier, raw({ ...good, role: 'customer', orderId: 'o1', iat: now, exp: now + 60 }))).message).toMatch(/principal/);
  });

  it('signed by the development key are refused where it is not trusted', async () => {
    const production = new TokenVerifier({ jwks: { keys: [publicJwk(generateSigningKey())] } });
    expect((await refusal(production, developmentTokens().sign(dana))).message).toMatch(/does not trust/);
  });

  it('verify with both keys in flight while the accounts service rotates, and keep verifying while it is down', async () => {
    const old = generateSigningKey('key-1');
    const jwks = await jwksServer([old]);
    try {
      // No cooldown and no cache age: every verification asks the accounts service, so its being down shows.
      const remote = new TokenVerifier({ jwksUrl: jwks.url, refetchCooldownMs: 0, cacheMaxAgeMs: 0 });
      const oldToken = new AccessTokenSigner(old).sign(dana);
      expect((await remote.verify(oldToken)).sub).toBe('dana');
      // A new key signs; the old one stays published until its last token expires.
      const next = generateSigningKey('key-2');
      jwks.state.keys = [next, old];
      const newToken = new AccessTokenSigner(next).sign({ ...dana, sub: 'dora' });
      expect((await remote.verify(newToken)).sub).toBe('dora');
      expect((await remote.verify(oldToken)).sub).toBe('dana');

      // The accounts service goes down: the keys already fetched keep verifying.
      jwks.state.down = true;
      const fetchesBefore = jwks.state.fetches;
      expect((await remote.verify(newToken)).sub).toBe('dora');
      expect((await remote.verify(oldToken)).sub).toBe('dana');
      expect(jwks.state.fetches).toBeGreaterThan(fetchesBefore); // it did try the accounts service
      // A key it has never seen is still refused.
      expect((await refusal(remote, new AccessTokenSigner(generateSigningKey('key-3')).sign(dana))).kind).toBe('unauthenticated');
    } finally {
      await jwks.close();
    }
  });
});
