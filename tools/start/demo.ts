/**
 * The demo shop `npm start` makes on its first start, through the accounts service's own routes,
 * so that there is someone to sign in as. Its password is in this file: the services that trust it
 * listen on loopback only, like everything `npm start` runs.
 */
export const DEMO_PASSWORD = 'jasmine tea at the flower market';

export const DEMO_SHOP = { name: '花语小铺 Petal Corner', timeZone: 'Asia/Shanghai', currency: 'CNY' };

export const DEMO_PEOPLE = [
  { email: 'owner@demo.petalpost.test', displayName: '林晓 Lin Xiao', roles: ['staff'] },
  { email: 'florist@demo.petalpost.test', displayName: '陈梅 Chen Mei', roles: ['florist'] },
  { email: 'dispatcher@demo.petalpost.test', displayName: '王磊 Wang Lei', roles: ['dispatcher'] },
  { email: 'rider@demo.petalpost.test', displayName: '张伟 Zhang Wei', roles: ['rider'] },
  { email: 'rider2@demo.petalpost.test', displayName: '李强 Li Qiang', roles: ['rider'] },
] as const;
/** The rider a person signs in as on their phone, in the rider's app. */
export const DEMO_PHONE_RIDER = DEMO_PEOPLE[3];
/** The rider `npm start` rides along a loop, so the dispatcher's map moves from the start. */
export const DEMO_LOOP_RIDER = DEMO_PEOPLE[4];

export interface DemoShop {
  shopId: string;
  /** True when this start made it; false when an earlier start had. */
  created: boolean;
}

type Answer = { status: number; body: Record<string, unknown> };

async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function expect(answer: Answer, status: number, what: string): Record<string, unknown> {
  if (answer.status !== status) throw new Error(`demo shop: ${what} answered ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Signs the owner in; makes the shop and its team first if an earlier start has not. */
export async function seedDemoShop(accountsUrl: string): Promise<DemoShop> {
  const [owner, ...team] = DEMO_PEOPLE;
  const signIn = await call(accountsUrl, 'POST', '/sessions', { email: owner.email, password: DEMO_PASSWORD });
  if (signIn.status === 201) {
    const memberships = signIn.body.memberships as Array<{ shopId: string }>;
    const shopId = memberships[0].shopId;
    await pricedInYuan(accountsUrl, shopId, signIn.body.accessToken as string);
    // A team member added to the demo since the shop was made joins it now.
    for (const person of team) {
      const tried = await call(accountsUrl, 'POST', '/sessions', { email: person.email, password: DEMO_PASSWORD });
      if (tried.status === 401) await join(accountsUrl, shopId, signIn.body.accessToken as string, person);
    }
    return { shopId, created: false };
  }
  const shop = expect(
    await call(accountsUrl, 'POST', '/shops', { ...DEMO_SHOP, owner: { email: owner.email, displayName: owner.displayName, password: DEMO_PASSWORD } }),
    201,
    'creating the shop',
  );
  const shopId = shop.shopId as string;
  const session = expect(await call(accountsUrl, 'POST', '/sessions', { email: owner.email, password: DEMO_PASSWORD, shopId }), 201, 'signing the owner in');
  for (const person of team) await join(accountsUrl, shopId, session.accessToken as string, person);
  return { shopId, created: true };
}

async function join(accountsUrl: string, shopId: string, ownerToken: string, person: (typeof DEMO_PEOPLE)[number]): Promise<void> {
  const invitation = expect(
    await call(accountsUrl, 'POST', `/shops/${shopId}/invitations`, { email: person.email, roles: person.roles }, ownerToken),
    201,
    `inviting ${person.email}`,
  );
  expect(
    await call(accountsUrl, 'POST', invitation.acceptPath as string, { displayName: person.displayName, password: DEMO_PASSWORD }),
    201,
    `${person.email} accepting`,
  );
}

/**
 * A demo shop made before shops had a currency reads as euros, the default for those; the demo
 * shop is in Shanghai, so it is moved to yuan once. A currency its owner chose stays.
 */
async function pricedInYuan(accountsUrl: string, shopId: string, token: string): Promise<void> {
  const me = expect(await call(accountsUrl, 'GET', '/me', undefined, token), 200, 'reading the owner');
  const shop = (me.memberships as Array<{ shopId: string; shopCurrency: string }>).find((m) => m.shopId === shopId);
  if (shop?.shopCurrency !== 'EUR') return;
  expect(await call(accountsUrl, 'PATCH', `/shops/${shopId}`, { currency: DEMO_SHOP.currency }, token), 200, 'pricing the shop in yuan');
}
