import { DataSource } from 'typeorm';
import { type Accounts, claimsOf, operatorToken, type Person, startAccounts } from '../accounts.fixture';

/**
 * Shops' API keys against the real accounts service and Postgres: created by the shop's owner, shown
 * once, exchanged for a scoped access token (verified as the services verify it), rotated with a
 * grace for the old secret, revoked.
 */
describe('API keys (real accounts service)', () => {
  let accounts: Accounts;
  let ownerToken: string;
  let rosewood: { shopId: string; owner: Person };
  let shopId: string;
  const password = 'a bouquet of quiet peonies';

  const exchange = (secret: string) => accounts.call('POST', '/api-keys/token', { body: {}, headers: { authorization: `Bearer ${secret}` } });
  const keysOf = (shopId: string, token = ownerToken) => accounts.call('GET', `/shops/${shopId}/api-keys`, { token });

  beforeAll(async () => {
    accounts = await startAccounts();
    rosewood = await accounts.people.shop(password);
    shopId = rosewood.shopId;
    ownerToken = (await accounts.signIn(rosewood.owner)).body.accessToken;
  });
  afterAll(() => accounts?.close());

  it('gives the shop a key shown once, exchanged for a short-lived token with its scopes, each use counted', async () => {
    const created = await accounts.call('POST', `/shops/${shopId}/api-keys`, { body: { label: 'Web shop', scopes: ['orders:write'] }, token: ownerToken });
    expect(created.status).toBe(201);
    const { secret, apiKey } = created.body;
    expect(secret).toMatch(/^pp_live_[\w-]{43}$/);
    expect(apiKey).toMatchObject({ shopId, label: 'Web shop', scopes: ['orders:write'], useCount: 0, secretHint: `${secret.slice(0, 12)}…` });
    // Only its hash is kept, and no list shows it again.
    const stored = JSON.stringify(await accounts.service.app.get(DataSource).query(`SELECT * FROM api_key_secrets`));
    expect(stored).not.toContain(secret);
    expect(JSON.stringify((await keysOf(shopId)).body)).not.toContain(secret);

    const token = await exchange(secret);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ tokenType: 'Bearer', scopes: ['orders:write'] });
    expect(await accounts.verifier.verify(token.body.accessToken)).toEqual({
      role: 'staff',
      sub: `api-key:${apiKey.keyId}`,
      shopId,
      scopes: ['orders:write'],
    });
    const claims = claimsOf(token.body.accessToken) as { scope: string; exp: number; iat: number };
    expect(claims.scope).toBe('orders:write');
    expect(claims.exp - claims.iat).toBe(600);
    // A scoped token calls only routes that take its scope: none of the accounts service's own.
    expect((await accounts.call('GET', '/sessions', { token: token.body.accessToken })).status).toBe(403);

    await exchange(secret);
    const [listed] = (await keysOf(shopId)).body.items;
    expect(listed).toMatchObject({ keyId: apiKey.keyId, useCount: 2, lastUsedAt: expect.any(String) });
  });

  it('rotates a key: the new secret works, the old one through its grace; revoked, neither does', async () => {
    const created = (
      await accounts.call('POST', `/shops/${shopId}/api-keys`, { body: { label: 'Till', scopes: ['orders:read', 'orders:write'] }, token: ownerToken })
    ).body;
    const rotated = await accounts.call('POST', `/shops/${shopId}/api-keys/${created.apiKey.keyId}/rotate`, { body: {}, token: ownerToken });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(Date.parse(rotated.body.previousSecretValidUntil)).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await exchange(rotated.body.secret)).body.scopes).toEqual(['orders:read', 'orders:write']);
    expect((await exchange(created.secret)).status).toBe(200);

    const revoked = await accounts.call('DELETE', `/shops/${shopId}/api-keys/${created.apiKey.keyId}`, { token: ownerToken });
    expect(revoked.status).toBe(204);
    for (const secret of [created.secret, rotated.body.secret]) {
      const refused = await exchange(secret);
      expect([refused.status, refused.body.code]).toEqual([401, 'API_KEY_INVALID']);
    }
    const again = await accounts.call('DELETE', `/shops/${shopId}/api-keys/${created.apiKey.keyId}`, { token: ownerToken });
    expect([again.status, again.body.code]).toEqual([409, 'API_KEY_REVOKED']);
    expect((await accounts.call('POST', `/shops/${shopId}/api-keys/${created.apiKey.keyId}/rotate`, { body: {}, token: ownerToken })).status).toBe(409);
    expect((await exchange('pp_live_never-issued')).status).toBe(401);
    expect((await exchange('eyJhbGciOiJFUzI1NiJ9.e30.x')).status).toBe(401);
  });

  it('lets only those who manage the shop’s team (and operators) manage its keys; bad input changes nothing', async () => {
    const florist = await accounts.people.member(rosewood, ['florist']);
    const floristToken = (await accounts.signIn(florist)).body.accessToken;
    const { shopId: otherShopId, owner: otherOwner } = await accounts.people.shop(password, 'Lindengracht');
    const otherToken = (await accounts.signIn(otherOwner)).body.accessToken;
    const before = (await keysOf(shopId)).body.items;

    const body = { label: 'Sneaky', scopes: ['orders:write'] };
    expect((await accounts.call('POST', `/shops/${shopId}/api-keys`, { body, token: floristToken })).body.code).toBe('MANAGE_TEAM_REQUIRED');
    expect((await accounts.call('POST', `/shops/${shopId}/api-keys`, { body, token: otherToken })).status).toBe(404);
    expect((await keysOf(shopId, otherToken)).status).toBe(404);
    for (const bad of [{ label: 'x', scopes: ['orders:delete'] }, { label: '', scopes: ['orders:write'] }, { label: 'x', scopes: [] }, { label: 'x' }]) {
      expect((await accounts.call('POST', `/shops/${shopId}/api-keys`, { body: bad, token: ownerToken })).status).toBe(400);
    }
    expect((await accounts.call('DELETE', `/shops/${otherShopId}/api-keys/${before[0].keyId}`, { token: otherToken })).status).toBe(404);
    expect((await keysOf(shopId)).body.items).toEqual(before);

    const byOperator = await accounts.call('POST', `/shops/${shopId}/api-keys`, {
      body: { label: 'Set up by support', scopes: ['orders:read'] },
      token: operatorToken,
    });
    expect(byOperator.body.apiKey).toMatchObject({ createdBy: 'operator:operator-on-duty' });
  });
});
