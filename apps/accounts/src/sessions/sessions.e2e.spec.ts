import { setTimeout as sleep } from 'node:timers/promises';
import type { RetentionSweep } from '@petalpost/platform';
import { DataSource } from 'typeorm';
import { type Accounts, claimsOf, operatorToken, type Person, startAccounts } from '../accounts.fixture';
import { ROTATED_REFRESH_TOKENS_RETENTION } from './sessions-retention';

type Shop = { shopId: string; owner: Person };

/**
 * Sign-in and sessions against the real accounts service and Postgres: tokens verified as every
 * service verifies them (against the service's JWKS), refresh tokens rotated on each use, a reused
 * one ending the session, concurrent refreshes, switching shops, signing out, and the throttle.
 * Each test signs in from a client address of its own (127.x.y.z), so the throttles stay apart.
 */
describe('sign-in and sessions (real accounts service)', () => {
  let accounts: Accounts;
  const password = 'seven tulips in a blue vase';

  const rows = (sql: string, params: unknown[] = []) => accounts.service.app.get(DataSource).query(sql, params);
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    accounts.call('POST', '/sessions/refresh', { body: { refreshToken, ...extra } });
  let rosewood: Shop;
  let tulipa: Shop;
  /** A florist at two shops, rider at the second. */
  const flo = async () => {
    const person = await accounts.people.member(rosewood, ['florist'], undefined, password);
    return accounts.people.member(tulipa, ['rider', 'florist'], person);
  };

  beforeAll(async () => {
    accounts = await startAccounts({
      ACCOUNTS_REFRESH_RACE_GRACE_SECONDS: '1',
      ACCOUNTS_SIGN_IN_FREE_FAILURES: '2',
      ACCOUNTS_SIGN_IN_BACKOFF_BASE_MS: '200',
      ACCOUNTS_SIGN_IN_LOCKOUT_FAILURES: '5',
      ACCOUNTS_SIGN_IN_ADDRESS_FAILURES: '8',
      ACCOUNTS_SIGN_IN_ADDRESS_WINDOW_SECONDS: '60',
    });
    rosewood = await accounts.people.shop(password, 'Rosewood');
    tulipa = await accounts.people.shop(password, 'Lindengracht');
  });
  afterAll(() => accounts?.close());

  it('signs a person in with a short-lived token for their first membership, listing every shop they belong to', async () => {
    const person = await flo();
    const before = Date.now();
    const signedIn = await accounts.signIn(person, {}, '127.0.1.1');
    expect(signedIn.status).toBe(201);
    const { accessToken, refreshToken, expiresAt, session, memberships } = signedIn.body;
    expect(refreshToken).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(expiresAt)).toBeLessThanOrEqual(before + 15 * 60_000 + 1000);
    expect(session).toMatchObject({ role: 'florist', shopId: rosewood.shopId, clientAddress: '127.0.1.1', current: true });
    expect(memberships).toHaveLength(2);
    expect(await accounts.verifier.verify(accessToken)).toEqual({
      role: 'florist',
      sub: person.personId,
      shopId: rosewood.shopId,
      sessionId: session.sessionId,
    });
    expect(claimsOf(accessToken).shops).toEqual({ [rosewood.shopId]: ['florist'], [tulipa.shopId]: expect.arrayContaining(['rider', 'florist']) });
    // Only the refresh token's hash is kept.
    expect(JSON.stringify(await rows(`SELECT * FROM refresh_tokens`))).not.toContain(refreshToken);

    const asRider = await accounts.signIn(person, { shopId: tulipa.shopId, role: 'rider' }, '127.0.1.1');
    expect(await accounts.verifier.verify(asRider.body.accessToken)).toMatchObject({ role: 'rider', shopId: tulipa.shopId });
    const operator = await accounts.people.operator(password);
    const asOperator = await accounts.signIn(operator, {}, '127.0.1.1');
    expect(await accounts.verifier.verify(asOperator.body.accessToken)).toEqual({
      role: 'operator',
      sub: operator.personId,
      sessionId: asOperator.body.session.sessionId,
    });
  });

  it('answers an unknown account exactly as a wrong password, and a role not held with a refusal', async () => {
    const person = await flo();
    const wrong = await accounts.signIn({ email: person.email, password: 'seven tulips in a red vase' }, {}, '127.0.1.2');
    const unknown = await accounts.signIn({ email: 'nobody@bloom.example', password }, {}, '127.0.1.2');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect({ ...wrong.body, correlationId: undefined }).toEqual({ ...unknown.body, correlationId: undefined });
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    const notHeld = await accounts.signIn(person, { shopId: rosewood.shopId, role: 'rider' }, '127.0.1.2');
    expect([notHeld.status, notHeld.body.code]).toEqual([403, 'MEMBERSHIP_NOT_HELD']);
    const bad = await accounts.call('POST', '/sessions', { body: { email: person.email, password, role: 'customer' }, from: '127.0.1.2' });
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('rotates the refresh token on every use, and ends the session when a used one comes back', async () => {
    const person = await flo();
    const first = (await accounts.signIn(person, {}, '127.0.1.3')).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect(await accounts.verifier.verify(second.body.accessToken)).toMatchObject({ sub: person.personId, sessionId: first.session.sessionId });
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);

    // Past the race grace, an old token is a stolen copy: the whole session ends.
    await sleep(1_100);
    const replay = await refresh(second.body.refreshToken);
    expect([replay.status, replay.body.code]).toEqual([401, 'REFRESH_TOKEN_REUSED']);
    const legit = await refresh(third.body.refreshToken);
    expect([legit.status, legit.body.code]).toEqual([401, 'SESSION_ENDED']);
    const listed = await accounts.call('GET', '/sessions', { token: third.body.accessToken });
    expect(listed.body.items).toEqual([]);
    expect((await refresh('not-a-token-we-ever-issued')).body.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const person = await flo();
    const { refreshToken } = (await accounts.signIn(person, {}, '127.0.1.4')).body;
    const answers = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('REFRESH_TOKEN_ALREADY_ROTATED');
    // The winner's session goes on.
    const winner = answers.find((a) => a.status === 200)!;
    expect((await refresh(winner.body.refreshToken)).status).toBe(200);
  });

  it('switches the session to another of the person’s memberships, and ends it once they are removed from its shop', async () => {
    const person = await flo();
    const signedIn = (await accounts.signIn(person, {}, '127.0.1.5')).body;
    const refused = await refresh(signedIn.refreshToken, { shopId: rosewood.shopId, role: 'rider' });
    expect([refused.status, refused.body.code]).toEqual([403, 'MEMBERSHIP_NOT_HELD']);
    // Refused with nothing changed: the token still works.
    const switched = await refresh(signedIn.refreshToken, { shopId: tulipa.shopId, role: 'rider' });
    expect(switched.status).toBe(200);
    expect(await accounts.verifier.verify(switched.body.accessToken)).toMatchObject({ role: 'rider', shopId: tulipa.shopId });
    expect(switched.body.session).toMatchObject({ role: 'rider', shopId: tulipa.shopId });

    await accounts.people.remove(tulipa, person.personId);
    const removed = await refresh(switched.body.refreshToken);
    expect([removed.status, removed.body.code]).toEqual([401, 'SESSION_ENDED']);
    expect(removed.body.message).toMatch(/no longer hold/);
  });

  it('lists the person’s own sessions, signs one out, and signs out everywhere', async () => {
    const person = await flo();
    const phone = (
      await accounts.call('POST', '/sessions', { body: { email: person.email, password }, from: '127.0.1.6', headers: { 'user-agent': 'Rider app' } })
    ).body;
    const desk = (await accounts.signIn(person, { shopId: tulipa.shopId }, '127.0.1.6')).body;
    const till = (await accounts.signIn(person, {}, '127.0.1.6')).body;
    const listed = await accounts.call('GET', '/sessions', { token: desk.accessToken });
    expect(listed.body.items.map((s: { sessionId: string; current: boolean }) => [s.sessionId, s.current])).toEqual([
      [till.session.sessionId, false],
      [desk.session.sessionId, true],
      [phone.session.sessionId, false],
    ]);
    expect(listed.body.items[2]).toMatchObject({ userAgent: 'Rider app', clientAddress: '127.0.1.6' });

    expect((await accounts.call('DELETE', `/sessions/${phone.session.sessionId}`, { token: desk.accessToken })).status).toBe(204);
    expect((await refresh(phone.refreshToken)).body.code).toBe('SESSION_ENDED');
    // Another person's session is not there for them.
    const other = (await accounts.signIn(await flo(), {}, '127.0.1.6')).body;
    expect((await accounts.call('DELETE', `/sessions/${other.session.sessionId}`, { token: desk.accessToken })).status).toBe(404);
    expect((await refresh(other.refreshToken)).status).toBe(200);

    const everywhere = await accounts.call('POST', '/sessions/sign-out-everywhere', { body: {}, token: desk.accessToken });
    expect(everywhere.body).toEqual({ ended: 2 });
    expect((await refresh(desk.refreshToken)).body.code).toBe('SESSION_ENDED');
    expect((await refresh(till.refreshToken)).body.code).toBe('SESSION_ENDED');
  });

  it('forgets rotated refresh tokens after the retention, never a session’s current one', async () => {
    const person = await flo();
    const first = (await accounts.signIn(person, {}, '127.0.1.7')).body;
    const second = (await refresh(first.refreshToken)).body;
    await rows(`UPDATE refresh_tokens SET rotated_at = rotated_at - interval '91 days', issued_at = issued_at - interval '91 days' WHERE session_id = $1`, [
      first.session.sessionId,
    ]);
    await accounts.service.app.get<RetentionSweep>(ROTATED_REFRESH_TOKENS_RETENTION).sweep();
    expect(await rows(`SELECT rotated_at FROM refresh_tokens WHERE session_id = $1`, [first.session.sessionId])).toEqual([{ rotated_at: null }]);
    // Too old to be recognised as a reuse: refused as unknown, and the session goes on.
    expect((await refresh(first.refreshToken)).body.code).toBe('REFRESH_TOKEN_INVALID');
    expect((await refresh(second.refreshToken)).status).toBe(200);
  });

  describe('when guessed at', () => {
    it('slows an account down, then locks it until the shop’s owner unlocks it; the owner sees the failures', async () => {
      const lily = await accounts.people.shop(password, 'Lily');
      const { owner } = lily;
      const rita = await accounts.people.member(lily, ['rider']);
      const from = '127.0.2.1';
      const guess = () => accounts.signIn({ email: rita.email, password: 'a wrong guess' }, {}, from);

      expect((await guess()).body.code).toBe('INVALID_CREDENTIALS');
      expect((await guess()).body.code).toBe('INVALID_CREDENTIALS');
      expect((await guess()).body.code).toBe('INVALID_CREDENTIALS');
      const slowed = await guess();
      expect([slowed.status, slowed.body.code, slowed.headers.get('retry-after')]).toEqual([429, 'SIGN_IN_SLOWED_DOWN', '1']);
      await sleep(250);
      expect((await guess()).body.code).toBe('INVALID_CREDENTIALS');
      await sleep(450);
      expect((await guess()).body.code).toBe('INVALID_CREDENTIALS'); // the fifth in a row: locked
      const rightButLocked = await accounts.signIn(rita, {}, from);
      expect([rightButLocked.status, rightButLocked.body.code]).toEqual([401, 'ACCOUNT_LOCKED']);

      const ownerToken = (await accounts.signIn(owner, {}, '127.0.2.2')).body.accessToken as string;
      const failures = await accounts.call('GET', `/shops/${lily.shopId}/sign-in-failures`, { token: ownerToken });
      expect(failures.status).toBe(200);
      expect(failures.body.items.map((f: { reason: string }) => f.reason)).toEqual(['locked', ...Array(5).fill('wrong_password')]);
      expect(failures.body.items[0]).toMatchObject({ email: rita.email, personId: rita.personId, clientAddress: from });
      // A rider of the shop may not see them, nor unlock; another shop's owner does not see the shop.
      const ritaOther = await accounts.people.member(lily, ['rider']);
      const riderToken = (await accounts.signIn(ritaOther, {}, '127.0.2.2')).body.accessToken as string;
      expect((await accounts.call('GET', `/shops/${lily.shopId}/sign-in-failures`, { token: riderToken })).body.code).toBe('MANAGE_TEAM_REQUIRED');
      expect(
        (await accounts.call('POST', `/shops/${lily.shopId}/sign-in-failures/unlock`, { body: { personId: rita.personId }, token: riderToken })).status,
      ).toBe(403);
      const { shopId: iris, owner: elsewhere } = await accounts.people.shop(password, 'Iris');
      const elsewhereToken = (await accounts.signIn(elsewhere, {}, '127.0.2.2')).body.accessToken as string;
      expect((await accounts.call('GET', `/shops/${lily.shopId}/sign-in-failures`, { token: elsewhereToken })).status).toBe(404);
      expect((await accounts.call('POST', `/shops/${iris}/sign-in-failures/unlock`, { body: { personId: rita.personId }, token: elsewhereToken })).status).toBe(
        404,
      );
      expect((await accounts.signIn(rita, {}, from)).body.code).toBe('ACCOUNT_LOCKED');

      const unlocked = await accounts.call('POST', `/shops/${lily.shopId}/sign-in-failures/unlock`, { body: { personId: rita.personId }, token: ownerToken });
      expect(unlocked.body).toEqual({ personId: rita.personId, wasLocked: true });
      expect((await accounts.signIn(rita, {}, from)).status).toBe(201);
      // Operators see every shop's failures.
      expect((await accounts.call('GET', `/shops/${lily.shopId}/sign-in-failures?limit=1`, { token: operatorToken })).body.items).toHaveLength(1);
    });

    it('makes an address that fails too often wait, whichever accounts it tries, and leaves other addresses alone', async () => {
      const from = '127.0.2.3';
      for (let i = 0; i < 8; i++) {
        expect((await accounts.signIn({ email: `guess-${i}@bloom.example`, password: 'anything' }, {}, from)).body.code).toBe('INVALID_CREDENTIALS');
      }
      const person = await flo();
      const limited = await accounts.signIn(person, {}, from);
      expect([limited.status, limited.body.code]).toEqual([429, 'SIGN_IN_RATE_LIMITED']);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(50);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect((await accounts.signIn(person, {}, '127.0.2.4')).status).toBe(201);
    });

    it('locks an account nobody has just as one somebody has, so a lockout tells nothing', async () => {
      const from = '127.0.2.5';
      const email = 'no-such-person@bloom.example';
      const answers: string[] = [];
      for (let i = 0; i < 6; i++) {
        answers.push((await accounts.signIn({ email, password: 'anything' }, {}, from)).body.code);
        await sleep(i >= 2 ? 450 : 0);
      }
      expect(answers).toEqual([
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'INVALID_CREDENTIALS',
        'ACCOUNT_LOCKED',
      ]);
    });
  });
});
