import { developmentTokens } from '@petalpost/auth';
import { DataSource } from 'typeorm';
import { type Accounts, operatorToken, type Person, startAccounts } from '../accounts.fixture';

/**
 * The signing keys against the real accounts service and Postgres: the JWKS every service verifies
 * with, and a rotation with tokens of both keys in flight, verified as the services do (TokenVerifier
 * against the service's JWKS URL).
 */
describe('signing keys (real accounts service)', () => {
  let accounts: Accounts;
  let alice: Person;
  let shopId: string;

  const jwks = async () => (await accounts.call('GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string; d?: string }>;
  const freshToken = async () => {
    const signedIn = await accounts.signIn(alice);
    expect(signedIn.status).toBe(201);
    return signedIn.body.accessToken as string;
  };
  const keyRows = () =>
    accounts.service.app
      .get(DataSource)
      .query<Array<{ kid: string; status: string; sealed_private_jwk: string | null }>>(
        `SELECT kid, status, sealed_private_jwk FROM signing_keys ORDER BY created_at`,
      );

  beforeAll(async () => {
    accounts = await startAccounts();
    ({ shopId, owner: alice } = await accounts.people.shop('roses in the morning light'));
  });
  afterAll(() => accounts?.close());

  it('publishes the key tokens are signed with, cacheably, and never its private half', async () => {
    const answer = await accounts.call('GET', '/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const token = await freshToken();
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { kid: string; alg: string; typ: string };
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(answer.body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: header.kid, alg: 'ES256', use: 'sig' }]);
    expect(await accounts.verifier.verify(token)).toMatchObject({ role: 'staff', sub: alice.personId, shopId });
    // At rest the private half is sealed, not a JWK anyone with the database can read.
    const [row] = await keyRows();
    expect(row.sealed_private_jwk).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('publishes a successor before it signs, then lets it sign while tokens of the old key keep verifying', async () => {
    const oldToken = await freshToken();
    const oldKid = (await jwks())[0].kid;

    const prepared = await accounts.call('POST', '/signing-keys/rotate', { body: {}, token: operatorToken });
    expect(prepared.status).toBe(200);
    const newKid = prepared.body.steps[0].kid as string;
    expect(prepared.body.steps).toEqual([{ type: 'CreateKey', kid: newKid }]);
    // Published ahead, not signing yet.
    expect((await jwks()).map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    expect(JSON.parse(Buffer.from((await freshToken()).split('.')[0], 'base64url').toString()).kid).toBe(oldKid);

    const now = await accounts.call('POST', '/signing-keys/rotate', { body: { immediately: true }, token: operatorToken });
    expect(now.body.steps).toEqual([
      { type: 'RetireKey', kid: oldKid },
      { type: 'ActivateKey', kid: newKid },
    ]);
    const newToken = await freshToken();
    expect(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url').toString()).kid).toBe(newKid);

    // Both in flight: each verifies against the published keys.
    expect((await accounts.verifier.verify(oldToken)).sub).toBe(alice.personId);
    expect((await accounts.verifier.verify(newToken)).sub).toBe(alice.personId);
    expect((await jwks()).map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    // The old key signs no more, so its private half is gone; its public half stays until its tokens expire.
    expect(await keyRows()).toEqual([
      expect.objectContaining({ kid: oldKid, status: 'retiring', sealed_private_jwk: null }),
      expect.objectContaining({ kid: newKid, status: 'active' }),
    ]);
    const listed = await accounts.call('GET', '/signing-keys', { token: operatorToken });
    expect(listed.body.items[1]).toMatchObject({ kid: oldKid, status: 'retiring', publishUntil: expect.any(String) });
    // The accounts service's own routes take tokens of both keys.
    expect((await accounts.call('GET', '/sessions', { token: oldToken })).status).toBe(200);
    expect((await accounts.call('GET', '/sessions', { token: newToken })).status).toBe(200);
  });

  it('lets only operators see or rotate the keys, and refuses a bad body with nothing changed', async () => {
    const before = await keyRows();
    const staff = developmentTokens().sign({ role: 'staff', sub: alice.personId, shopId });
    expect((await accounts.call('POST', '/signing-keys/rotate', { body: {}, token: staff })).status).toBe(403);
    expect((await accounts.call('GET', '/signing-keys', { token: staff })).status).toBe(403);
    expect((await accounts.call('POST', '/signing-keys/rotate', { body: { immediately: 'yes' }, token: operatorToken })).status).toBe(400);
    expect(await keyRows()).toEqual(before);
  });
});
