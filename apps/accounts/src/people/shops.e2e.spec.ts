import { developmentTokens, type Principal } from '@petalpost/auth';
import { EventStore } from '@petalpost/event-store';
import { type RunningService } from '@petalpost/platform';
import { startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import type { AccountsConfig } from '../accounts.config';
import { accountsService } from '../accounts.service';
import { shopStream } from './domain/shop.events';

const tokens = developmentTokens();
const operator = tokens.sign({ role: 'operator', sub: 'operator-on-duty' });
const as = (personId: string, role: Principal['role'], shopId: string) => tokens.sign({ role, sub: personId, shopId });
const goodPassword = 'tulips under a quiet rain';

type Body = Record<string, unknown> & { code?: string; items?: Array<Record<string, unknown>>; nextCursor?: string };

/**
 * A shop's own details and the operators' list of every shop, against the real accounts service
 * and PostgreSQL: the currency a shop prices in (given at sign-up or defaulted, changed by its
 * owners, in everyone's /me), renaming, and the list paged and searched by name.
 */
describe("shops' currency and the operators' list of shops (real accounts service and Postgres)", () => {
  let service: RunningService<AccountsConfig>;
  let db: DataSource;

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
  };

  const newShop = async (shop: { name: string; timeZone?: string; currency?: string }, ownerName = 'Anna') => {
    const owner = { email: `${uniqueName('owner')}@bloom.example`, displayName: ownerName, password: goodPassword };
    const created = await call('POST', '/shops', { timeZone: 'Europe/Amsterdam', ...shop, owner }, operator);
    expect(created.status).toBe(201);
    const shopId = created.body.shopId as string;
    const ownerId = (created.body.owner as { personId: string }).personId;
    return { shopId, ownerId, created: created.body, ownerToken: as(ownerId, 'staff', shopId) };
  };
  const memberships = async (token: string) => (await call('GET', '/me', undefined, token)).body.memberships as Array<Record<string, unknown>>;
  const eventCount = async (shopId: string) => (await new EventStore(db).readStream(shopStream(shopId))).length;

  beforeAll(async () => {
    service = await startTestService(accountsService, { KAFKA_NAMESPACE: uniqueName('t').replace('_', '-') });
    db = service.app.get(DataSource);
  });
  afterAll(() => service?.app.close());

  it('prices a shop in the currency it was given, in euros when none was, and shows it to its members', async () => {
    const shanghai = await newShop({ name: '花语小铺', timeZone: 'Asia/Shanghai', currency: 'cny' });
    expect(shanghai.created).toMatchObject({ name: '花语小铺', timeZone: 'Asia/Shanghai', currency: 'CNY' });
    expect(await memberships(shanghai.ownerToken)).toEqual([expect.objectContaining({ shopTimeZone: 'Asia/Shanghai', shopCurrency: 'CNY' })]);

    const amsterdam = await newShop({ name: 'Bloom & Co' });
    expect(amsterdam.created.currency).toBe('EUR');
    expect(await memberships(amsterdam.ownerToken)).toEqual([expect.objectContaining({ shopCurrency: 'EUR' })]);

    for (const currency of ['XYZ', 'DEM', 'EURO', '']) {
      const owner = { email: `${uniqueName('x')}@bloom.example`, displayName: 'X', password: goodPassword };
      const refused = await call('POST', '/shops', { name: 'Nowhere', timeZone: 'Europe/Amsterdam', currency, owner }, operator);
      expect([currency, refused.status, refused.body.code]).toEqual([currency, 400, 'VALIDATION_FAILED']);
    }
  });

  it('lets an owner rename the shop and change its currency, recorded in the audit, and refuses everyone else', async () => {
    const { shopId, ownerId, ownerToken } = await newShop({ name: 'Bloom & Co' });
    const invited = await call('POST', `/shops/${shopId}/invitations`, { roles: ['florist', 'dispatcher'] }, ownerToken);
    const flo = await call('POST', invited.body.acceptPath as string, {
      email: `${uniqueName('flo')}@bloom.example`,
      displayName: 'Flo',
      password: 'a vase of seven yellow tulips',
    });
    const floId = flo.body.personId as string;
    // A team manager who is no owner still may not touch the shop's own details.
    await call('PATCH', `/shops/${shopId}/members/${floId}`, { manageTeam: true }, ownerToken);
    const floToken = as(floId, 'florist', shopId);
    const neighbour = await newShop({ name: 'Thorns Ltd' });

    const before = await eventCount(shopId);
    const refusals = [
      [floToken, { currency: 'CNY' }, 403, 'OWNER_RIGHT_REQUIRED'],
      [neighbour.ownerToken, { currency: 'CNY' }, 404, 'SHOP_NOT_FOUND'],
      [ownerToken, { currency: 'ABC' }, 400, 'VALIDATION_FAILED'],
      [ownerToken, { name: '' }, 400, 'VALIDATION_FAILED'],
      [ownerToken, { name: '   ' }, 400, 'SHOP_NAME_REQUIRED'],
      [ownerToken, { timeZone: 'Asia/Shanghai' }, 400, 'VALIDATION_FAILED'],
      [ownerToken, {}, 400, 'VALIDATION_FAILED'],
    ] as const;
    for (const [token, body, status, code] of refusals) {
      const answer = await call('PATCH', `/shops/${shopId}`, body, token);
      expect([body, answer.status, answer.body.code]).toEqual([body, status, code]);
    }
    expect(await eventCount(shopId)).toBe(before);
    expect((await call('PATCH', `/shops/${crypto.randomUUID()}`, { currency: 'CNY' }, operator)).status).toBe(404);

    const changed = await call('PATCH', `/shops/${shopId}`, { name: ' Bloom & Co Amsterdam ', currency: 'gbp' }, ownerToken);
    expect([changed.status, changed.body]).toEqual([200, { shopId, name: 'Bloom & Co Amsterdam', timeZone: 'Europe/Amsterdam', currency: 'GBP' }]);
    // Asking for what already is so records nothing.
    expect((await call('PATCH', `/shops/${shopId}`, { currency: 'GBP' }, ownerToken)).status).toBe(200);
    expect(await eventCount(shopId)).toBe(before + 2);
    // An operator may change it too.
    expect((await call('PATCH', `/shops/${shopId}`, { currency: 'EUR' }, operator)).body).toMatchObject({ currency: 'EUR' });

    // Every member sees the new name and currency at once.
    expect(await memberships(floToken)).toEqual([expect.objectContaining({ shopName: 'Bloom & Co Amsterdam', shopCurrency: 'EUR' })]);
    const audit = await call('GET', `/shops/${shopId}/audit?limit=3`, undefined, ownerToken);
    expect(audit.body.items!.map((i) => [i.type, i.details])).toEqual([
      ['ShopCurrencyChanged', expect.objectContaining({ currency: 'EUR', previousCurrency: 'GBP' })],
      ['ShopCurrencyChanged', expect.objectContaining({ currency: 'GBP', previousCurrency: 'EUR' })],
      ['ShopRenamed', expect.objectContaining({ name: 'Bloom & Co Amsterdam', previousName: 'Bloom & Co' })],
    ]);
    expect(audit.body.items![2].by).toEqual({ personId: ownerId, displayName: 'Anna', role: 'staff' });
  });

  it('lists every shop to operators, newest first and page by page, with its team size and owners; finds shops by name', async () => {
    const tag = uniqueName('list');
    const first = await newShop({ name: `${tag} Rosewood`, currency: 'CNY' }, 'Rose');
    const second = await newShop({ name: `${tag} Tulip_Room` }, 'Tom');
    const third = await newShop({ name: `${tag} rose garden`, timeZone: 'Asia/Tokyo', currency: 'JPY' }, 'Yuki');
    const invited = await call('POST', `/shops/${first.shopId}/invitations`, { roles: ['rider'] }, first.ownerToken);
    const rita = await call('POST', invited.body.acceptPath as string, {
      email: `${uniqueName('rita')}@bloom.example`,
      displayName: 'Rita',
      password: 'pedals turning through the dawn',
    });
    expect((await call('PATCH', `/shops/${first.shopId}/members/${rita.body.personId}`, { owner: true }, first.ownerToken)).status).toBe(200);

    const all = await call('GET', `/shops?q=${encodeURIComponent(tag)}`, undefined, operator);
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      {
        shopId: third.shopId,
        name: `${tag} rose garden`,
        timeZone: 'Asia/Tokyo',
        currency: 'JPY',
        createdAt: expect.any(String),
        memberCount: 1,
        owners: [{ personId: third.ownerId, displayName: 'Yuki' }],
      },
      expect.objectContaining({ shopId: second.shopId, currency: 'EUR', memberCount: 1 }),
      expect.objectContaining({
        shopId: first.shopId,
        currency: 'CNY',
        memberCount: 2,
        owners: [
          { personId: first.ownerId, displayName: 'Rose' },
          { personId: rita.body.personId, displayName: 'Rita' },
        ],
      }),
    ]);
    expect(all.body.nextCursor).toBeUndefined();

    // Any case; % and _ are letters, not patterns.
    const roses = await call('GET', `/shops?q=${encodeURIComponent(`${tag} ROSE`)}`, undefined, operator);
    expect(roses.body.items!.map((s) => s.shopId)).toEqual([third.shopId, first.shopId]);
    expect((await call('GET', `/shops?q=${encodeURIComponent(`${tag} Tulip_`)}`, undefined, operator)).body.items!.map((s) => s.shopId)).toEqual([
      second.shopId,
    ]);
    expect((await call('GET', `/shops?q=${encodeURIComponent(`${tag} Tulip%Room`)}`, undefined, operator)).body.items).toEqual([]);

    // Page by page, each shop once.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `/shops?q=${encodeURIComponent(tag)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, undefined, operator);
      expect(page.status).toBe(200);
      seen.push(...page.body.items!.map((s) => s.shopId as string));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([third.shopId, second.shopId, first.shopId]);

    // Nobody but operators sees the list; a bad cursor or an unknown parameter is refused.
    for (const token of [first.ownerToken, as(first.ownerId, 'dispatcher', first.shopId)]) {
      const refused = await call('GET', '/shops', undefined, token);
      expect([refused.status, refused.body.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    }
    expect((await call('GET', '/shops')).status).toBe(401);
    expect((await call('GET', '/shops?cursor=nonsense', undefined, operator)).body.code).toBe('INVALID_CURSOR');
    expect((await call('GET', '/shops?owner=Rose', undefined, operator)).body.code).toBe('VALIDATION_FAILED');
  });
});
