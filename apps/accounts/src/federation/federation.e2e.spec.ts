import { DataSource } from 'typeorm';
import { type Accounts, startAccounts } from '../accounts.fixture';
import { TestIdentityProvider } from './test-identity-provider.fixture';

const CLIENT_ID = 'petalpost';
const CLIENT_SECRET = 'a secret shared with the chain provider';
const PASSWORD = 'tulips under a quiet rain';

interface Shop {
  shopId: string;
  ownerId: string;
  ownerEmail: string;
  ownerToken: string;
}

/**
 * A shop chain signs its people in through its own OpenID Connect provider: a real oidc-provider on
 * 127.0.0.1 (see TestIdentityProvider), the real accounts service and PostgreSQL, the browser played
 * by plain HTTP requests that follow the redirects and fill in the provider's forms.
 */
describe('a shop chain’s own identity provider (real oidc-provider, accounts service and Postgres)', () => {
  let accounts: Accounts;
  let db: DataSource;
  let chain: TestIdentityProvider;
  let foreign: TestIdentityProvider;
  let redirectUri: string;
  let rosewood: Shop;
  let daisy: Shop;

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(new URL(path, accounts.service.url), {
      method,
      redirect: 'manual',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return {
      status: response.status,
      location: response.headers.get('location') ?? undefined,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { code?: string },
    };
  };

  /** A shop and its owner, signed in with their password. */
  const newShop = async (name: string): Promise<Shop> => {
    const { shopId, owner } = await accounts.people.shop(PASSWORD, name);
    const signedIn = await accounts.signIn(owner);
    expect(signedIn.status).toBe(201);
    return { shopId, ownerId: owner.personId, ownerEmail: owner.email, ownerToken: signedIn.body.accessToken as string };
  };

  /** The browser at the start route: sent to the provider's authorization endpoint. */
  const start = async (shopId: string) => {
    const started = await call('GET', `/sessions/oidc/${shopId}/start`);
    expect(started.status).toBe(302);
    return started.location as string;
  };
  /** The browser back at the callback, with whatever the provider put on the URL. */
  const callback = (returned: URL) => call('GET', `/sessions/oidc/callback${returned.search}`);
  const sessionCount = async () => Number((await db.query(`SELECT count(*) AS n FROM sessions`))[0].n);

  beforeAll(async () => {
    // Outside production the callback's address is the service's own: http://HOST:PORT/sessions/oidc/callback.
    accounts = await startAccounts();
    db = accounts.service.app.get(DataSource);
    redirectUri = `${accounts.service.url}/sessions/oidc/callback`;
    rosewood = await newShop('Rosewood');
    daisy = await newShop('Daisy');
    const people = {
      anna: { email: rosewood.ownerEmail.toUpperCase(), emailVerified: true },
      dora: { email: daisy.ownerEmail, emailVerified: true },
      nobody: { email: 'nobody@rosewood.example', emailVerified: true },
      unverified: { email: rosewood.ownerEmail, emailVerified: false },
    };
    chain = await TestIdentityProvider.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri, people });
    foreign = await TestIdentityProvider.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri, people });
  });
  afterAll(async () => {
    await accounts?.close();
    await chain?.close();
    await foreign?.close();
  });

  it("is configured by the shop's owner, its secret sealed and never shown", async () => {
    const configure = { issuer: chain.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
    const flo = await accounts.people.member(
      { shopId: rosewood.shopId, owner: { personId: rosewood.ownerId, email: rosewood.ownerEmail, password: PASSWORD } },
      ['florist'],
    );
    const florist = (await accounts.signIn(flo)).body.accessToken as string;
    expect((await call('PUT', `/shops/${rosewood.shopId}/identity-provider`, configure, florist)).body.code).toBe('OWNER_REQUIRED');
    expect((await call('PUT', `/shops/${rosewood.shopId}/identity-provider`, configure, daisy.ownerToken)).status).toBe(404);
    const unreachable = await call('PUT', `/shops/${rosewood.shopId}/identity-provider`, { ...configure, issuer: 'http://127.0.0.1:9/' }, rosewood.ownerToken);
    expect([unreachable.status, unreachable.body.code]).toEqual([400, 'IDENTITY_PROVIDER_UNREACHABLE']);
    expect((await call('GET', `/shops/${rosewood.shopId}/identity-provider`, undefined, rosewood.ownerToken)).status).toBe(404);

    const configured = await call('PUT', `/shops/${rosewood.shopId}/identity-provider`, configure, rosewood.ownerToken);
    expect(configured.status).toBe(200);
    expect(configured.body).toEqual({
      shopId: rosewood.shopId,
      issuer: chain.issuer,
      clientId: CLIENT_ID,
      personClaim: 'email',
      redirectUri,
      configuredBy: rosewood.ownerId,
      configuredAt: expect.any(String),
    });
    expect(JSON.stringify(await db.query(`SELECT * FROM shop_identity_providers`))).not.toContain(CLIENT_SECRET);
    expect((await call('GET', `/shops/${rosewood.shopId}/identity-provider`, undefined, rosewood.ownerToken)).body).toEqual(configured.body);
  });

  it('signs a member of the shop in through the provider, to the same answer as a password sign-in', async () => {
    const authorization = new URL(await start(rosewood.shopId));
    expect(authorization.origin).toBe(chain.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid email',
      code_challenge_method: 'S256',
      state: expect.any(String),
      nonce: expect.any(String),
      code_challenge: expect.any(String),
    });

    const returned = await chain.signIn(authorization.href, 'anna');
    const signedIn = await callback(returned);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({
      tokenType: 'Bearer',
      session: { role: 'staff', shopId: rosewood.shopId, current: true },
      memberships: [{ shopId: rosewood.shopId, roles: ['staff'], owner: true }],
    });
    expect(await accounts.verifier.verify(signedIn.body.accessToken as string)).toMatchObject({
      sub: rosewood.ownerId,
      role: 'staff',
      shopId: rosewood.shopId,
    });

    // The same callback again: its state was spent.
    const replayed = await callback(returned);
    expect([replayed.status, replayed.body.code]).toEqual([400, 'OIDC_STATE_UNKNOWN']);
    // The spent code under a fresh sign-in's state: the provider knows the code was used (and the PKCE verifier is not its).
    const fresh = new URL(await start(rosewood.shopId));
    const reused = new URL(returned);
    reused.searchParams.set('state', fresh.searchParams.get('state') as string);
    const codeReplay = await callback(reused);
    expect([codeReplay.status, codeReplay.body.code]).toEqual([401, 'OIDC_SIGN_IN_FAILED']);
    expect(codeReplay.body.details).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong state, a foreign issuer, a non-member and an unverified address, and opens no session', async () => {
    const sessions = await sessionCount();

    const wrongState = await chain.signIn(await start(rosewood.shopId), 'anna');
    wrongState.searchParams.set('state', 'made-up-state');
    expect((await callback(wrongState)).body.code).toBe('OIDC_STATE_UNKNOWN');
    expect((await call('GET', '/sessions/oidc/callback?code=abc')).body.code).toBe('OIDC_STATE_MISSING');

    // The browser is steered to another provider that knows a client of the same name: its code and its iss come back.
    const steered = new URL(await start(rosewood.shopId));
    const atForeign = new URL(`${foreign.issuer}${steered.pathname}${steered.search}`);
    const fromForeign = await foreign.signIn(atForeign.href, 'anna');
    expect(fromForeign.searchParams.get('iss')).toBe(foreign.issuer);
    const foreignAnswer = await callback(fromForeign);
    expect([foreignAnswer.status, foreignAnswer.body.code]).toEqual([401, 'OIDC_SIGN_IN_FAILED']);
    expect(foreignAnswer.body.details).toMatchObject({ reason: expect.stringContaining('"iss"') });
    // Stripping the iss parameter does not help: the chain's provider announces it always sends one.
    const steeredAgain = new URL(await start(rosewood.shopId));
    const withoutIss = await foreign.signIn(`${foreign.issuer}${steeredAgain.pathname}${steeredAgain.search}`, 'anna');
    withoutIss.searchParams.delete('iss');
    const codeFromElsewhere = await callback(withoutIss);
    expect([codeFromElsewhere.status, codeFromElsewhere.body.details]).toEqual([401, { reason: expect.stringContaining('"iss"') }]);

    for (const account of ['dora', 'nobody']) {
      const refused = await callback(await chain.signIn(await start(rosewood.shopId), account));
      expect([refused.status, refused.body.code]).toEqual([403, 'NOT_A_MEMBER']);
    }
    const unverified = await callback(await chain.signIn(await start(rosewood.shopId), 'unverified'));
    expect([unverified.status, unverified.body.code]).toEqual([403, 'OIDC_EMAIL_NOT_VERIFIED']);

    expect((await call('GET', `/sessions/oidc/${daisy.shopId}/start`)).body.code).toBe('IDENTITY_PROVIDER_NOT_FOUND');
    expect(await sessionCount()).toBe(sessions);
    expect(Number((await db.query(`SELECT count(*) AS n FROM people WHERE email = 'nobody@rosewood.example'`))[0].n)).toBe(0);
  });

  it('stops signing in through the provider once the owner removes it', async () => {
    expect((await call('DELETE', `/shops/${rosewood.shopId}/identity-provider`, undefined, rosewood.ownerToken)).status).toBe(204);
    expect((await call('GET', `/sessions/oidc/${rosewood.shopId}/start`)).status).toBe(404);
  });
});
