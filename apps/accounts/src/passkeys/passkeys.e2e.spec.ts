import { DataSource } from 'typeorm';
import { type Accounts, startAccounts } from '../accounts.fixture';
import { SoftwareAuthenticator } from './software-authenticator.fixture';

const RP_ID = 'petalpost.example';
const CONSOLE = 'https://console.petalpost.example';
const PASSWORD = 'tulips under a quiet rain';

/**
 * Passkeys against the real accounts service and PostgreSQL. The browser and the PC's authenticator
 * are played by SoftwareAuthenticator, which builds the bytes WebAuthn Level 3 lays down (see its file);
 * everything on the server side — challenges, @simplewebauthn/server's verification, the stored
 * credential, the session — is the service's own.
 */
describe('passkeys: register on a shop PC, sign in with a touch (real accounts service and Postgres)', () => {
  let accounts: Accounts;
  let db: DataSource;

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const answer = await accounts.call(method, path, { body, token });
    return { status: answer.status, body: answer.body };
  };

  /** A shop and its owner, signed in with their password as the console does before offering a passkey. */
  const newShop = async () => {
    const { shopId, owner } = await accounts.people.shop(PASSWORD);
    const signedIn = await accounts.signIn(owner);
    expect(signedIn.status).toBe(201);
    return { shopId, ownerId: owner.personId, ownerToken: signedIn.body.accessToken as string };
  };

  const register = async (token: string, authenticator: SoftwareAuthenticator, origin = CONSOLE, label = 'Counter PC') => {
    const options = await call('POST', '/passkeys/registration/options', {}, token);
    expect(options.status).toBe(200);
    const response = authenticator.create(options.body as never, origin);
    return call('POST', '/passkeys/registration', { response, label }, token);
  };

  const signInOptions = async () => {
    const options = await call('POST', '/sessions/passkey/options', {});
    expect(options.status).toBe(200);
    return options.body as { challenge: string; rpId: string };
  };

  const sessionCount = async () => Number((await db.query(`SELECT count(*) AS n FROM sessions`))[0].n);
  const passkeyRow = async (credentialId: string) =>
    (await db.query(`SELECT counter, last_used_at FROM passkeys WHERE credential_id = $1`, [credentialId]))[0] as {
      counter: string;
      last_used_at: Date | null;
    };

  beforeAll(async () => {
    accounts = await startAccounts({ ACCOUNTS_WEBAUTHN_RP_ID: RP_ID, ACCOUNTS_WEBAUTHN_ORIGINS: `${CONSOLE},https://${RP_ID}` });
    db = accounts.service.app.get(DataSource);
  });
  afterAll(() => accounts?.close());

  it('registers a passkey and signs in with it, usernameless, to the same answer as a password sign-in', async () => {
    const { shopId, ownerId, ownerToken } = await newShop();
    const authenticator = new SoftwareAuthenticator();

    const options = await call('POST', '/passkeys/registration/options', {}, ownerToken);
    expect(options.body).toMatchObject({
      rp: { id: RP_ID, name: 'Petalpost' },
      user: { id: Buffer.from(ownerId).toString('base64url') },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      attestation: 'none',
    });
    const registered = await call(
      'POST',
      '/passkeys/registration',
      { response: authenticator.create(options.body as never, CONSOLE), label: 'Counter PC' },
      ownerToken,
    );
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ credentialId: authenticator.id, label: 'Counter PC', transports: ['internal'], deviceType: 'singleDevice' });
    expect((await call('GET', '/passkeys', undefined, ownerToken)).body.items).toEqual([expect.objectContaining({ credentialId: authenticator.id })]);

    const signInWith = await signInOptions();
    expect(signInWith).toMatchObject({ rpId: RP_ID, userVerification: 'required' });
    expect(signInWith).not.toHaveProperty('allowCredentials.0');
    const signedIn = await call('POST', '/sessions/passkey', { response: authenticator.get(signInWith, CONSOLE) });
    expect(signedIn.status).toBe(201);
    expect(signedIn.body).toMatchObject({
      tokenType: 'Bearer',
      session: { role: 'staff', shopId, current: true },
      memberships: [{ shopId, roles: ['staff'], owner: true }],
    });
    // An access token every service accepts: verified against the accounts service's JWKS.
    expect(await accounts.verifier.verify(signedIn.body.accessToken as string)).toMatchObject({ sub: ownerId, role: 'staff', shopId });
    expect(Number((await passkeyRow(authenticator.id)).counter)).toBe(1);
    expect((await call('GET', '/passkeys', undefined, ownerToken)).body.items?.[0]).toHaveProperty('lastUsedAt');

    // The session is a session like any other: its refresh token works.
    const refreshed = await call('POST', '/sessions/refresh', { refreshToken: signedIn.body.refreshToken });
    expect(refreshed.status).toBe(200);
  });

  it('refuses a wrong origin, a replayed challenge, an unknown passkey and a tampered signature, and changes nothing', async () => {
    const { ownerToken } = await newShop();
    const authenticator = new SoftwareAuthenticator();
    expect((await register(ownerToken, authenticator)).status).toBe(201);
    const before = { sessions: await sessionCount(), passkey: await passkeyRow(authenticator.id) };
    const refusal = async (body: unknown) => {
      const answer = await call('POST', '/sessions/passkey', body);
      return [answer.status, answer.body.code];
    };

    // A look-alike site relays the ceremony: the browser names the page it ran on, and it is not ours.
    expect(await refusal({ response: authenticator.get(await signInOptions(), 'https://console.petalpost.example.evil.example') })).toEqual([
      401,
      'PASSKEY_NOT_VERIFIED',
    ]);
    // Or relays it to another RP ID the authenticator holds a key for.
    expect(await refusal({ response: authenticator.get(await signInOptions(), CONSOLE, 'evil.example') })).toEqual([401, 'PASSKEY_NOT_VERIFIED']);

    const tampered = authenticator.get(await signInOptions(), CONSOLE);
    const signature = Buffer.from(tampered.response.signature, 'base64url');
    signature[signature.length - 1] ^= 0x01;
    expect(await refusal({ response: { ...tampered, response: { ...tampered.response, signature: signature.toString('base64url') } } })).toEqual([
      401,
      'PASSKEY_NOT_VERIFIED',
    ]);
    // The tampered answer's challenge was spent: sending the genuine signature for it now is a replay.
    expect(await refusal({ response: tampered })).toEqual([401, 'PASSKEY_CHALLENGE_UNKNOWN']);

    const stranger = new SoftwareAuthenticator();
    expect(await refusal({ response: stranger.get(await signInOptions(), CONSOLE) })).toEqual([401, 'PASSKEY_NOT_RECOGNISED']);

    // A challenge nobody asked for.
    expect(await refusal({ response: authenticator.get({ challenge: Buffer.alloc(32, 7).toString('base64url'), rpId: RP_ID }, CONSOLE) })).toEqual([
      401,
      'PASSKEY_CHALLENGE_UNKNOWN',
    ]);
    expect((await call('POST', '/sessions/passkey', { response: { id: authenticator.id } })).status).toBe(400);
    expect(
      await call('POST', '/sessions/passkey', { response: { ...tampered, response: { ...tampered.response, clientDataJSON: 'bm90IGpzb24' } } }),
    ).toMatchObject({
      status: 401,
      body: { code: 'PASSKEY_NOT_VERIFIED' },
    });

    expect({ sessions: await sessionCount(), passkey: await passkeyRow(authenticator.id) }).toEqual(before);

    // A good answer is good once.
    const good = authenticator.get(await signInOptions(), CONSOLE);
    expect((await call('POST', '/sessions/passkey', { response: good })).status).toBe(201);
    expect(await refusal({ response: good })).toEqual([401, 'PASSKEY_CHALLENGE_UNKNOWN']);
    expect(await sessionCount()).toBe(before.sessions + 1);
  });

  it('refuses a passkey whose counter went backwards, and records it on the passkey', async () => {
    const { ownerToken } = await newShop();
    const authenticator = new SoftwareAuthenticator();
    expect((await register(ownerToken, authenticator)).status).toBe(201);
    expect((await call('POST', '/sessions/passkey', { response: authenticator.get(await signInOptions(), CONSOLE) })).status).toBe(201);
    expect((await call('POST', '/sessions/passkey', { response: authenticator.get(await signInOptions(), CONSOLE) })).status).toBe(201);

    // A copy of the authenticator taken after its first use signs with the count it had then.
    authenticator.counter = 0;
    const sessions = await sessionCount();
    const clone = await call('POST', '/sessions/passkey', { response: authenticator.get(await signInOptions(), CONSOLE) });
    expect([clone.status, clone.body.code]).toEqual([401, 'PASSKEY_COUNTER_REGRESSED']);
    expect(await sessionCount()).toBe(sessions);
    expect(Number((await passkeyRow(authenticator.id)).counter)).toBe(2);
    expect((await call('GET', '/passkeys', undefined, ownerToken)).body.items?.[0]).toHaveProperty('counterRegressedAt');
  });

  it('refuses a registration from another origin or answered twice, and keeps each person to their own passkeys', async () => {
    const anna = await newShop();
    const bob = await newShop();
    const authenticator = new SoftwareAuthenticator();

    const elsewhere = await register(anna.ownerToken, authenticator, 'https://petalpost.example.evil.example');
    expect([elsewhere.status, elsewhere.body.code]).toEqual([400, 'PASSKEY_NOT_VERIFIED']);
    expect((await call('GET', '/passkeys', undefined, anna.ownerToken)).body.items).toEqual([]);

    const options = await call('POST', '/passkeys/registration/options', {}, anna.ownerToken);
    const response = authenticator.create(options.body as never, CONSOLE);
    // Bob cannot finish the ceremony Anna started.
    expect((await call('POST', '/passkeys/registration', { response }, bob.ownerToken)).body.code).toBe('PASSKEY_CHALLENGE_UNKNOWN');
    expect((await call('POST', '/passkeys/registration', { response }, anna.ownerToken)).status).toBe(201);
    const replayed = await call('POST', '/passkeys/registration', { response }, anna.ownerToken);
    expect([replayed.status, replayed.body.code]).toEqual([400, 'PASSKEY_CHALLENGE_UNKNOWN']);

    // Registering the same authenticator again (a fresh ceremony) is refused: it is already there.
    const again = await register(anna.ownerToken, authenticator);
    expect([again.status, again.body.code]).toEqual([409, 'PASSKEY_ALREADY_REGISTERED']);

    expect((await call('GET', '/passkeys', undefined, bob.ownerToken)).body.items).toEqual([]);
    expect((await call('DELETE', `/passkeys/${authenticator.id}`, undefined, bob.ownerToken)).status).toBe(404);
    expect((await call('DELETE', `/passkeys/${authenticator.id}`, undefined, anna.ownerToken)).status).toBe(204);
    const deleted = await call('POST', '/sessions/passkey', { response: authenticator.get(await signInOptions(), CONSOLE) });
    expect([deleted.status, deleted.body.code]).toEqual([401, 'PASSKEY_NOT_RECOGNISED']);

    expect((await call('POST', '/passkeys/registration/options', {})).status).toBe(401);
  });
});
