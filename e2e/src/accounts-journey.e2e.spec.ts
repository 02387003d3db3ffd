import { freePorts } from '@petalpost/infra';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess } from '@petalpost/testing';
import { WebSocket } from 'ws';

/** Short-lived access tokens, so that "within one token's life" fits in a test. */
const TOKEN_SECONDS = 15;
const PASSWORD = 'peonies for the front window';
const roses = {
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { from: `${new Date().getUTCFullYear() + 1}-02-14T13:00:00+08:00`, to: `${new Date().getUTCFullYear() + 1}-02-14T15:00:00+08:00` },
  buyer: { name: 'Sam Buyer', phone: '+86 138 0013 8000' },
  recipient: { name: 'Alex Recipient', address: { text: '上海市静安区南京西路 1 号' } },
};

type Answer = { status: number; body: Record<string, unknown> };
interface SignedIn {
  personId: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * The accounts issue's journey across all five services as `npm start` runs them, each in its own
 * process, none trusting the development key: tokens come from signing in, and every service
 * verifies them against the accounts service's JWKS alone.
 */
describe('people sign in and each service lets them see what their role allows', () => {
  let namespace: string;
  let accounts: ServiceProcess;
  const services: Record<'orders' | 'dispatch' | 'messaging' | 'notifications', ServiceProcess> = {} as never;
  let jwksUrl: string;

  const call = async (service: { url: string }, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const signIn = async (email: string, shopId?: string): Promise<SignedIn> => {
    const answer = await call(accounts, 'POST', '/sessions', { body: { email, password: PASSWORD, ...(shopId ? { shopId } : {}) } });
    expect(answer.status).toBe(201);
    const me = await call(accounts, 'GET', '/me', { token: answer.body.accessToken as string });
    return { personId: me.body.personId as string, accessToken: answer.body.accessToken as string, refreshToken: answer.body.refreshToken as string };
  };
  /** The close code of a WebSocket to /ws whose first message is this token, and the frame types it got. */
  const socket = (token: string) =>
    new Promise<{ code: number; frames: string[]; socket: WebSocket }>((resolve) => {
      const ws = new WebSocket(`${services.notifications.url.replace('http', 'ws')}/ws`);
      const frames: string[] = [];
      ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
      ws.on('message', (data) => {
        frames.push((JSON.parse(String(data)) as { type: string }).type);
        if (frames.includes('welcome')) resolve({ code: 0, frames, socket: ws });
      });
      ws.once('close', (code) => resolve({ code, frames, socket: ws }));
    });

  beforeAll(async () => {
    namespace = await createTestNamespace();
    const [accountsPort] = await freePorts(1);
    jwksUrl = `http://127.0.0.1:${accountsPort}/.well-known/jwks.json`;
    const trustAccountsOnly = { KAFKA_NAMESPACE: namespace, AUTH_DEVELOPMENT_KEY: 'false', AUTH_JWKS_URL: jwksUrl };
    accounts = await startServiceProcess('accounts', {
      ...trustAccountsOnly,
      PORT: String(accountsPort),
      ACCOUNTS_ACCESS_TOKEN_SECONDS: String(TOKEN_SECONDS),
    });
    const [orders, dispatch, messaging, notifications] = await Promise.all(
      (['orders', 'dispatch', 'messaging', 'notifications'] as const).map((name) => startServiceProcess(name, trustAccountsOnly)),
    );
    Object.assign(services, { orders, dispatch, messaging, notifications });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([accounts, ...Object.values(services)].map((service) => service?.stop()));
  });

  it('an owner makes a shop and invites a florist and a rider; each sees their part; a removed rider is refused everywhere within a token’s life', async () => {
    // The owner signs the shop up.
    const ownerEmail = `owner-${namespace}@bloom.example`;
    const created = await call(accounts, 'POST', '/shops', {
      body: { name: 'Jasmine Corner', timeZone: 'Asia/Shanghai', owner: { email: ownerEmail, displayName: 'Lin', password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const shopId = created.body.shopId as string;
    let owner = await signIn(ownerEmail);

    // A florist by e-mail, a rider by a link handed over in person; both accept and sign in.
    const floristEmail = `florist-${namespace}@bloom.example`;
    const riderEmail = `rider-${namespace}@bloom.example`;
    const byMail = await call(accounts, 'POST', `/shops/${shopId}/invitations`, {
      token: owner.accessToken,
      body: { email: floristEmail, roles: ['florist'] },
    });
    const byLink = await call(accounts, 'POST', `/shops/${shopId}/invitations`, { token: owner.accessToken, body: { roles: ['rider'] } });
    expect([byMail.status, byLink.status]).toEqual([201, 201]);
    expect((await call(accounts, 'POST', byMail.body.acceptPath as string, { body: { displayName: 'Mei', password: PASSWORD } })).status).toBe(201);
    expect(
      (await call(accounts, 'POST', byLink.body.acceptPath as string, { body: { displayName: 'Wei', email: riderEmail, password: PASSWORD } })).status,
    ).toBe(201);
    // The same invitation again is refused and adds nobody.
    const again = await call(accounts, 'POST', byLink.body.acceptPath as string, {
      body: { displayName: 'Eve', email: `eve-${namespace}@x.example`, password: PASSWORD },
    });
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'INVITATION_USED' });
    const florist = await signIn(floristEmail);
    const rider = await signIn(riderEmail);

    // Orders: staff place; the florist reads the order without the buyer's phone; the rider, not assigned, does not see it.
    const placed = await call(services.orders, 'POST', '/orders', { token: owner.accessToken, body: roses });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    const asFlorist = await call(services.orders, 'GET', `/orders/${orderId}`, { token: florist.accessToken });
    expect(asFlorist.status).toBe(200);
    expect(JSON.stringify(asFlorist.body)).not.toContain('138 0013');
    expect((await call(services.orders, 'GET', `/orders/${orderId}`, { token: owner.accessToken })).body).toMatchObject({
      buyer: { phone: roses.buyer.phone },
    });
    expect((await call(services.orders, 'GET', `/orders/${orderId}`, { token: rider.accessToken })).status).toBe(404);
    expect((await call(services.orders, 'POST', '/orders', { token: florist.accessToken, body: roses })).status).toBe(403);

    // Dispatch: staff register the rider under the id they sign in with; the rider goes on shift; the florist may not see the riders.
    const registered = await call(services.dispatch, 'POST', '/riders', {
      token: owner.accessToken,
      body: { riderId: rider.personId, name: 'Wei', vehicle: { kind: 'e-bike', capacity: 6 } },
    });
    expect(registered.status).toBe(201);
    expect((await call(services.dispatch, 'PUT', '/riders/me/availability', { token: rider.accessToken, body: { availability: 'on_shift' } })).status).toBe(
      200,
    );
    expect((await call(services.dispatch, 'GET', '/riders', { token: florist.accessToken })).status).toBe(403);

    // Messaging: the florist reads the order's conversation once it is open; the unassigned rider does not.
    await eventually(async () => expect((await call(services.messaging, 'GET', `/conversations/${orderId}`, { token: florist.accessToken })).status).toBe(200));
    expect((await call(services.messaging, 'GET', `/conversations/${orderId}`, { token: rider.accessToken })).status).toBe(404);

    // Notifications: each of them is welcomed on the live stream with their own token.
    for (const person of [owner, florist, rider]) {
      const live = await socket(person.accessToken);
      expect(live.frames).toContain('welcome');
      live.socket.close();
    }

    // A tracking link is no token: not for orders, not for the live streams.
    const link = await call(services.notifications, 'POST', `/orders/${orderId}/tracking-link`, { token: owner.accessToken });
    expect(link.status).toBe(201);
    const linkId = String(link.body.url).split('/track/')[1];
    expect((await call(services.orders, 'GET', `/orders/${orderId}`, { token: linkId })).status).toBe(401);
    expect((await call(services.notifications, 'GET', '/sse', { token: linkId })).status).toBe(401);
    expect((await socket(linkId)).code).toBe(4401);

    // The owner removes the rider: the rider's session cannot be refreshed any more...
    owner = await signIn(ownerEmail);
    expect((await call(accounts, 'DELETE', `/shops/${shopId}/members/${rider.personId}`, { token: owner.accessToken })).status).toBe(200);
    const refreshed = await call(accounts, 'POST', '/sessions/refresh', { body: { refreshToken: rider.refreshToken } });
    expect(refreshed.status).toBe(401);
    // ... and once the access token they hold expires, every service refuses it.
    await eventually(
      async () => {
        const statuses = await Promise.all([
          call(services.orders, 'GET', '/orders?limit=1', { token: rider.accessToken }).then((a) => a.status),
          call(services.dispatch, 'PUT', '/riders/me/availability', { token: rider.accessToken, body: { availability: 'off_shift' } }).then((a) => a.status),
          call(services.messaging, 'GET', '/conversations', { token: rider.accessToken }).then((a) => a.status),
          call(services.notifications, 'GET', '/sse', { token: rider.accessToken }).then((a) => a.status),
          call(accounts, 'GET', '/me', { token: rider.accessToken }).then((a) => a.status),
        ]);
        expect(statuses).toEqual([401, 401, 401, 401, 401]);
      },
      (TOKEN_SECONDS + 15) * 1000,
      500,
    );
    expect((await socket(rider.accessToken)).code).toBe(4401);
    // Signing in again gives a token for no shop of theirs: the rider no longer belongs to any.
    const back = await call(accounts, 'POST', '/sessions', { body: { email: riderEmail, password: PASSWORD } });
    expect(back.status).not.toBe(201);
  }, 120_000);

  it('lets a shop’s web shop place and read orders with an API key, and nothing else', async () => {
    const ownerEmail = `keys-${namespace}@bloom.example`;
    const created = await call(accounts, 'POST', '/shops', {
      body: { name: 'Orchid Lane', timeZone: 'Asia/Shanghai', owner: { email: ownerEmail, displayName: 'Xu', password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const owner = await signIn(ownerEmail);
    const key = await call(accounts, 'POST', `/shops/${created.body.shopId as string}/api-keys`, {
      token: owner.accessToken,
      body: { label: 'web shop', scopes: ['orders:write', 'orders:read'] },
    });
    expect(key.status).toBe(201);
    const exchanged = await fetch(`${accounts.url}/api-keys/token`, { method: 'POST', headers: { authorization: `Bearer ${key.body.secret as string}` } });
    expect(exchanged.status).toBe(200);
    const webShop = ((await exchanged.json()) as { accessToken: string }).accessToken;

    const placed = await call(services.orders, 'POST', '/orders', { token: webShop, body: roses });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    expect((await call(services.orders, 'GET', `/orders/${orderId}`, { token: webShop })).status).toBe(200);
    // Accepting the order is the shop's people's to do, and the other services' routes are not the key's.
    const accept = await call(services.orders, 'POST', `/orders/${orderId}/accept`, { token: webShop });
    expect({ status: accept.status, code: accept.body.code }).toEqual({ status: 403, code: 'SCOPE_NOT_ALLOWED' });
    expect((await call(services.dispatch, 'GET', '/riders', { token: webShop })).status).toBe(403);
    expect((await call(services.orders, 'GET', `/orders/${orderId}`, { token: owner.accessToken })).body).toMatchObject({ status: 'placed' });
  }, 60_000);

  // Last: it stops the accounts service.
  it('keeps accepting tokens already issued while the accounts service is down, until they expire', async () => {
    const ownerEmail = `down-${namespace}@bloom.example`;
    const created = await call(accounts, 'POST', '/shops', {
      body: { name: 'Lotus Street', timeZone: 'Asia/Shanghai', owner: { email: ownerEmail, displayName: 'Zhou', password: PASSWORD } },
    });
    expect(created.status).toBe(201);
    const owner = await signIn(ownerEmail);
    // The orders service has fetched the keys once; then the accounts service stops.
    expect((await call(services.orders, 'GET', '/orders?limit=1', { token: owner.accessToken })).status).toBe(200);
    await accounts.stop();
    expect((await call(services.orders, 'GET', '/orders?limit=1', { token: owner.accessToken })).status).toBe(200);
    const placed = await call(services.orders, 'POST', '/orders', { token: owner.accessToken, body: roses });
    expect(placed.status).toBe(201);
  }, 60_000);
});
