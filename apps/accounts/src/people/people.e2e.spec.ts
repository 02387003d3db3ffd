import { developmentTokens, type Principal } from '@petalpost/auth';
import { commandMetadata, EventStore } from '@petalpost/event-store';
import { type RunningService } from '@petalpost/platform';
import { eventually, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { AccountsConfig } from '../accounts.config';
import { accountsService } from '../accounts.service';
import { shopStream } from './domain/shop.events';
import { PeopleDirectory, registerOperator } from './index';
import { secretHashOf } from './shop-commands';

const tokens = developmentTokens();
const operator = tokens.sign({ role: 'operator', sub: 'operator-on-duty' });
const as = (personId: string, role: Principal['role'], shopId: string) => tokens.sign({ role, sub: personId, shopId });
const goodPassword = 'tulips under a quiet rain';

type Body = Record<string, unknown> & { code?: string; items?: Array<Record<string, unknown>> };

/**
 * Shops and their teams against the real accounts service and PostgreSQL: a shop and its owner,
 * invitations by e-mail and by link, acceptance, the member list as each role sees it, removal
 * reaching the directory sign-in reads, and every refusal leaving things as they were.
 */
describe('shops, people and invitations (real accounts service and Postgres)', () => {
  let service: RunningService<AccountsConfig>;
  let directory: PeopleDirectory;
  let db: DataSource;

  const call = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: (text ? JSON.parse(text) : undefined) as Body };
  };

  /** A shop made by an operator, with its owner's person id and token. */
  const newShop = async (name = 'Bloom & Co') => {
    const owner = { email: `${uniqueName('owner')}@bloom.example`, displayName: 'Anna', password: goodPassword };
    const created = await call('POST', '/shops', { name, timeZone: 'Europe/Amsterdam', owner }, operator);
    expect(created.status).toBe(201);
    const shopId = created.body.shopId as string;
    const ownerId = (created.body.owner as { personId: string }).personId;
    return { shopId, ownerId, ownerEmail: owner.email, ownerToken: as(ownerId, 'staff', shopId) };
  };
  const invite = async (shopId: string, token: string, body: Record<string, unknown>) => {
    const answer = await call('POST', `/shops/${shopId}/invitations`, body, token);
    expect(answer.status).toBe(201);
    return answer.body as { invitationId: string; secret: string; link: string; acceptPath: string };
  };
  const membersSeenBy = async (shopId: string, token: string) => (await call('GET', `/shops/${shopId}/members`, undefined, token)).body.items ?? [];

  beforeAll(async () => {
    service = await startTestService(accountsService, { KAFKA_NAMESPACE: uniqueName('t').replace('_', '-'), ACCOUNTS_SIGNUPS_PER_HOUR: '2' });
    directory = service.app.get(PeopleDirectory);
    db = service.app.get(DataSource);
  });
  afterAll(() => service?.app.close());

  it('builds a team: a florist invited by e-mail and a rider by link accept, the owner removes the rider and sign-in no longer has the shop', async () => {
    const { shopId, ownerId, ownerToken } = await newShop();
    const floEmail = `${uniqueName('flo')}@bloom.example`;

    const forFlo = await invite(shopId, ownerToken, { email: floEmail.toUpperCase(), roles: ['florist'] });
    expect(forFlo.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(forFlo.link).toContain(`#${forFlo.secret}`);
    expect(forFlo.link).toBe(`http://127.0.0.1:8080/invitation#${forFlo.secret}`);
    const forRider = await invite(shopId, ownerToken, { roles: ['rider'], expiresInDays: 2 });
    // A rider and nothing else is sent to the rider's app; a rider who also dispatches to the console.
    expect(forRider.link).toBe(`http://127.0.0.1:8080/rider/invitation#${forRider.secret}`);
    const forRiderDispatching = await invite(shopId, ownerToken, { roles: ['rider', 'dispatcher'], expiresInDays: 2 });
    expect(forRiderDispatching.link).toBe(`http://127.0.0.1:8080/invitation#${forRiderDispatching.secret}`);
    // The e-mail left through the outbox (the development mailer writes it to the log), and its link with it.
    await eventually(async () => {
      const [mail] = await db.query(`SELECT recipient, sent_at, body FROM invitation_mails WHERE invitation_id = $1`, [forFlo.invitationId]);
      expect(mail).toMatchObject({ recipient: floEmail, body: null });
      expect(mail.sent_at).not.toBeNull();
    });
    // Only the secret's hash is kept.
    expect(JSON.stringify(await db.query(`SELECT * FROM invitation_secrets`))).not.toContain(forFlo.secret);

    const flo = await call('POST', forFlo.acceptPath, { displayName: 'Flo', password: 'a vase of seven yellow tulips' });
    expect(flo.status).toBe(201);
    expect(flo.body).toMatchObject({ shopId, roles: ['florist'], owner: false, manageTeam: false });
    const rita = await call('POST', forRider.acceptPath, {
      email: 'Rita.Rider@Bloom.example',
      displayName: 'Rita',
      password: 'pedals turning through the dawn',
    });
    expect(rita.status).toBe(201);
    const floId = flo.body.personId as string;
    const ritaId = rita.body.personId as string;

    await eventually(async () =>
      expect(await membersSeenBy(shopId, ownerToken)).toEqual([
        expect.objectContaining({ personId: ownerId, roles: ['staff'], owner: true, manageTeam: true }),
        expect.objectContaining({ personId: floId, displayName: 'Flo', email: floEmail, roles: ['florist'], owner: false, manageTeam: false }),
        expect.objectContaining({ personId: ritaId, displayName: 'Rita', email: 'rita.rider@bloom.example', roles: ['rider'] }),
      ]),
    );
    // A rider sees who is who, not their addresses or rights; only team managers see the invitations.
    const ritaToken = as(ritaId, 'rider', shopId);
    expect((await membersSeenBy(shopId, ritaToken))[1]).toEqual({ personId: floId, displayName: 'Flo', roles: ['florist'] });
    expect((await call('GET', `/shops/${shopId}/invitations`, undefined, as(floId, 'florist', shopId))).body.code).toBe('TEAM_RIGHT_REQUIRED');

    // Sign-in's view: the person by (any spelling of) their address, their password, their shops.
    const ritaRecord = await directory.byEmail('RITA.RIDER@bloom.example');
    expect(ritaRecord).toMatchObject({ personId: ritaId, displayName: 'Rita', operator: false });
    expect(ritaRecord?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await directory.verifyPassword(ritaRecord, 'pedals turning through the dawn')).toBe(true);
    expect(await directory.verifyPassword(ritaId, 'pedals turning through the dusk')).toBe(false);
    expect(await directory.membershipsOf(ritaId)).toEqual([{ shopId, roles: ['rider'], owner: false, manageTeam: false }]);

    // Her own view names the shop and its zone, so a screen shows the shop's times, not the device's.
    expect((await call('GET', '/me', undefined, ritaToken)).body.memberships).toEqual([
      expect.objectContaining({ shopId, shopName: 'Bloom & Co', shopTimeZone: 'Europe/Amsterdam', roles: ['rider'] }),
    ]);

    // The owner lets Flo manage the team; she may invite florists, not staff.
    expect((await call('PATCH', `/shops/${shopId}/members/${floId}`, { manageTeam: true }, ownerToken)).body).toMatchObject({ manageTeam: true });
    const floToken = as(floId, 'florist', shopId);
    const tooMuch = await call('POST', `/shops/${shopId}/invitations`, { roles: ['staff'] }, floToken);
    expect([tooMuch.status, tooMuch.body.code]).toEqual([403, 'ROLE_NOT_GRANTABLE']);
    // A retried invitation (same Idempotency-Key) is the same invitation; its secret is not shown again.
    const first = await call('POST', `/shops/${shopId}/invitations`, { roles: ['florist'] }, floToken, { 'idempotency-key': 'invite-1' });
    const retry = await call('POST', `/shops/${shopId}/invitations`, { roles: ['florist'] }, floToken, { 'idempotency-key': 'invite-1' });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.invitationId).toBe(first.body.invitationId);
    expect(retry.body.secret).toBeUndefined();

    // The owner removes the rider: her next sign-in or refresh has no shop, and she sees it no more.
    const removed = await call('DELETE', `/shops/${shopId}/members/${ritaId}`, undefined, ownerToken);
    expect(removed.status).toBe(200);
    await eventually(async () => expect(await directory.membershipsOf(ritaId)).toEqual([]));
    expect((await call('GET', '/me', undefined, ritaToken)).body).toMatchObject({ personId: ritaId, memberships: [] });
    expect((await call('GET', `/shops/${shopId}/members`, undefined, ritaToken)).status).toBe(404);
    expect((await call('DELETE', `/shops/${shopId}/members/${ownerId}`, undefined, ownerToken)).body.code).toBe('LAST_OWNER');

    // The audit: who granted what to whom, when — and never a secret's hash.
    const audit = await call('GET', `/shops/${shopId}/audit?limit=100`, undefined, ownerToken);
    expect(audit.status).toBe(200);
    expect(audit.body.items![0]).toMatchObject({
      type: 'MemberRemoved',
      by: { personId: ownerId, displayName: 'Anna' },
      person: { personId: ritaId, displayName: 'Rita' },
    });
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ type: 'MemberJoined', by: { personId: ownerId, displayName: 'Anna' }, person: { personId: floId, displayName: 'Flo' } }),
    );
    expect(audit.text).not.toMatch(/secretHash/);
    const page = await call('GET', `/shops/${shopId}/audit?limit=2`, undefined, ownerToken);
    const next = await call('GET', `/shops/${shopId}/audit?limit=2&cursor=${page.body.nextCursor}`, undefined, ownerToken);
    expect(next.body.items!.map((i) => i.version)).toEqual([(page.body.items![1].version as number) - 1, (page.body.items![1].version as number) - 2]);
  });

  it('refuses an invitation used twice, expired or revoked with its reason, and changes nothing', async () => {
    const { shopId, ownerId, ownerToken } = await newShop('Petal Corner');
    const used = await invite(shopId, ownerToken, { roles: ['dispatcher'] });
    const newcomer = (name: string) => ({ email: `${uniqueName(name)}@bloom.example`, displayName: name, password: goodPassword });
    expect((await call('POST', used.acceptPath, newcomer('dora'))).status).toBe(201);

    const revoked = await invite(shopId, ownerToken, { roles: ['rider'] });
    expect((await call('POST', `/shops/${shopId}/invitations/${revoked.invitationId}/revoke`, {}, ownerToken)).status).toBe(200);

    // An invitation made eight days ago that was good for seven: the facts the service would have written then.
    const expiredSecret = 'x'.repeat(43);
    const expiredId = '00000000-0000-4000-8000-000000000001';
    const store = new EventStore(db);
    const version = (await store.readStream(shopStream(shopId))).length;
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
    await store.append(
      shopStream(shopId),
      'shop',
      version,
      [
        {
          type: 'InvitationCreated',
          data: {
            shopId,
            invitationId: expiredId,
            secretHash: secretHashOf(expiredSecret),
            roles: ['rider'],
            expiresAt: new Date(eightDaysAgo.getTime() + 7 * 86_400_000).toISOString(),
            createdAt: eightDaysAgo.toISOString(),
            by: { personId: ownerId, operator: false },
          },
        },
      ],
      commandMetadata(eightDaysAgo.toISOString()),
    );
    await db.query(`INSERT INTO invitation_secrets (secret_hash, shop_id, invitation_id) VALUES ($1, $2, $3)`, [
      secretHashOf(expiredSecret),
      shopId,
      expiredId,
    ]);

    await eventually(async () => expect(await membersSeenBy(shopId, ownerToken)).toHaveLength(2));
    const before = (await new EventStore(db).readStream(shopStream(shopId))).length;
    const refusals = [
      [used.acceptPath, 'INVITATION_USED', 409],
      [revoked.acceptPath, 'INVITATION_REVOKED', 409],
      [`/invitations/${expiredSecret}/accept`, 'INVITATION_EXPIRED', 409],
      [`/invitations/${'y'.repeat(43)}/accept`, 'INVITATION_NOT_FOUND', 404],
      ['/invitations/not-a-secret/accept', 'INVITATION_NOT_FOUND', 404],
    ] as const;
    for (const [path, code, status] of refusals) {
      const person = newcomer('late');
      const answer = await call('POST', path, person);
      expect([path, answer.status, answer.body.code]).toEqual([path, status, code]);
      expect(await directory.byEmail(person.email)).toBeUndefined();
    }
    // Someone already signed in is refused the same way.
    expect((await call('POST', used.acceptPath, undefined, ownerToken)).body.code).toBe('INVITATION_USED');
    expect((await new EventStore(db).readStream(shopStream(shopId))).length).toBe(before);
    expect(await membersSeenBy(shopId, ownerToken)).toHaveLength(2);
    // Listed as pending: neither the used, the revoked nor the expired one.
    expect((await call('GET', `/shops/${shopId}/invitations`, undefined, ownerToken)).body.items).toEqual([]);
  });

  it("says why a password is refused, refuses unknown fields, and hides another shop from its neighbour's owner", async () => {
    const shop = { name: 'Bloom & Co', timeZone: 'Europe/Amsterdam' };
    const owner = (password: string) => ({ email: `${uniqueName('anna')}@bloom.example`, displayName: 'Anna', password });
    for (const [password, code] of [
      ['tulips', 'PASSWORD_TOO_SHORT'],
      ['passwordpassword', 'PASSWORD_COMMON'],
      ['welcome to bloom & co, friends', 'PASSWORD_CONTAINS_SHOP_NAME'],
      ['y'.repeat(129), 'PASSWORD_TOO_LONG'],
    ]) {
      const refused = await call('POST', '/shops', { ...shop, owner: owner(password) }, operator);
      expect([refused.status, refused.body.code, refused.body.details]).toEqual([400, code, { field: 'password', reason: code }]);
    }
    const unknown = await call('POST', '/shops', { ...shop, owner: owner(goodPassword), plan: 'gold' }, operator);
    expect([unknown.status, unknown.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badZone = await call('POST', '/shops', { ...shop, timeZone: 'Mars/Olympus', owner: owner(goodPassword) }, operator);
    expect(badZone.status).toBe(400);

    const mine = await newShop();
    const theirs = await newShop('Thorns Ltd');
    const floInvite = await invite(mine.shopId, mine.ownerToken, { roles: ['florist'] });
    for (const [method, path, body] of [
      ['GET', `/shops/${mine.shopId}/members`, undefined],
      ['GET', `/shops/${mine.shopId}/invitations`, undefined],
      ['GET', `/shops/${mine.shopId}/audit`, undefined],
      ['POST', `/shops/${mine.shopId}/invitations`, { roles: ['rider'] }],
      ['POST', `/shops/${mine.shopId}/invitations/${floInvite.invitationId}/revoke`, {}],
      ['DELETE', `/shops/${mine.shopId}/members/${mine.ownerId}`, undefined],
    ] as const) {
      const answer = await call(method, path, body, theirs.ownerToken);
      expect([method, path, answer.status, answer.body.code]).toEqual([method, path, 404, 'SHOP_NOT_FOUND']);
    }
    const invitationBody = await call('POST', `/shops/${mine.shopId}/invitations`, { roles: ['operator'] }, mine.ownerToken);
    expect([invitationBody.status, invitationBody.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const tooLong = await call('POST', `/shops/${mine.shopId}/invitations`, { roles: ['rider'], expiresInDays: 31 }, mine.ownerToken);
    expect(tooLong.status).toBe(400);
  });

  it('lets anyone sign up a shop a few times per address, one person per address; operators come from the command line', async () => {
    const owner = { email: `${uniqueName('sam')}@bloom.example`, displayName: 'Sam', password: goodPassword };
    const signedUp = await call('POST', '/shops', { name: 'Sam’s Stems', timeZone: 'Europe/London', owner });
    expect(signedUp.status).toBe(201);
    const again = await call('POST', '/shops', { name: 'Sam’s Other Stems', timeZone: 'Europe/London', owner: { ...owner, email: owner.email.toUpperCase() } });
    expect([again.status, again.body.code]).toEqual([409, 'EMAIL_TAKEN']);
    const third = await call('POST', '/shops', { name: 'Third', timeZone: 'Europe/London', owner: { ...owner, email: `${uniqueName('x')}@bloom.example` } });
    expect([third.status, third.body.code, third.headers.get('retry-after')]).toEqual([429, 'TOO_MANY_ATTEMPTS', expect.stringMatching(/^\d+$/)]);

    const { personId } = await registerOperator(db, {
      email: `${uniqueName('olga')}@petalpost.example`,
      displayName: 'Olga',
      password: 'the night shift keeps the lights on',
    });
    await eventually(async () => expect(await directory.byId(personId)).toMatchObject({ operator: true, displayName: 'Olga' }));
    expect(await directory.membershipsOf(personId)).toEqual([]);
    const me = await call('GET', '/me', undefined, tokens.sign({ role: 'operator', sub: personId }));
    expect(me.body).toMatchObject({ personId, operator: true, memberships: [] });
  });
});
