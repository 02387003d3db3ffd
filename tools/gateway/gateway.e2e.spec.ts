import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@petalpost/infra';
import { createTestNamespace, eventually, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import { WebSocket } from 'ws';
import { type Gateway, startGateway } from './gateway';

const PASSWORD = 'lilies by the gateway door';
const PAGE = '<!doctype html><html><head><title>Petalpost console</title></head><body><div id="root"></div></body></html>';
const ASSET = 'console.log("the console");';
const RIDER_PAGE =
  '<!doctype html><html><head><title>Petalpost Rider</title><link rel="manifest" href="/rider/manifest.webmanifest"></head><body></body></html>';
const RIDER_ASSET = 'console.log("the rider");';
const RIDER_WORKER = 'self.addEventListener("fetch", () => undefined);';
const RIDER_MANIFEST = JSON.stringify({ name: 'Petalpost Rider', start_url: '/rider/', scope: '/rider/', display: 'standalone' });
const TILES = 'https://tiles.example.test/styles/day/style.json';
const GEOCODER = 'https://geocoder.example.test/search';
const roses = (recipient: string) => ({
  items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
  deliveryWindow: { from: `${new Date().getUTCFullYear() + 1}-02-14T13:00:00+08:00`, to: `${new Date().getUTCFullYear() + 1}-02-14T15:00:00+08:00` },
  buyer: { name: 'Sam Buyer' },
  recipient: { name: recipient, address: { text: '上海市静安区南京西路 1 号' } },
});

type Answer = { status: number; headers: Headers; text: string; body: Record<string, unknown> };

/**
 * The console's one origin over the real services, each its own process: the people's requests,
 * their live stream and the console's files all through the gateway.
 */
describe('the gateway', () => {
  let namespace: string;
  let accounts: ServiceProcess;
  /** An accounts service left at the default: it trusts no proxy. */
  let accountsTrustingNobody: ServiceProcess;
  let orders: ServiceProcess;
  let notifications: ServiceProcess;
  let gateway: Gateway;
  let consoleDir: string;
  let riderDir: string;
  let owner: { email: string; accessToken: string };

  const call = async (base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : {};
    return { status: response.status, headers: response.headers, text, body: json } satisfies Answer;
  };
  const page = (path: string, accept = 'text/html,application/xhtml+xml,*/*;q=0.8') => call(gateway.url, 'GET', path, { headers: { accept } });
  const makeShop = async (base: string, name: string) => {
    const email = `${uniqueName('owner')}@petals.example`;
    const created = await call(base, 'POST', '/shops', { body: { name, timeZone: 'Asia/Shanghai', owner: { email, displayName: 'Lin', password: PASSWORD } } });
    expect(created.status).toBe(201);
    return email;
  };
  /** Where the service says the current session was signed in from. */
  const signedInFrom = async (base: string, accessToken: string) => {
    const sessions = await call(base, 'GET', '/sessions', { token: accessToken });
    expect(sessions.status).toBe(200);
    return (sessions.body.items as Array<{ current: boolean; clientAddress?: string }>).find((s) => s.current)?.clientAddress;
  };

  beforeAll(async () => {
    namespace = await createTestNamespace();
    const [accountsPort, dispatchPort, messagingPort] = await freePorts(3);
    const jwksUrl = `http://127.0.0.1:${accountsPort}/.well-known/jwks.json`;
    // The services trust the gateway (on loopback) to name the client, as `npm start` runs them.
    const env = { KAFKA_NAMESPACE: namespace, AUTH_DEVELOPMENT_KEY: 'false', AUTH_JWKS_URL: jwksUrl, TRUSTED_PROXIES: '127.0.0.1' };
    [accounts, accountsTrustingNobody] = await Promise.all([
      startServiceProcess('accounts', { ...env, PORT: String(accountsPort) }),
      startServiceProcess('accounts', { KAFKA_NAMESPACE: namespace }),
    ]);
    [orders, notifications] = await Promise.all([startServiceProcess('orders', env), startServiceProcess('notifications', env)]);

    consoleDir = await mkdtemp(join(tmpdir(), 'petalpost-console-'));
    await mkdir(join(consoleDir, 'assets'));
    await writeFile(join(consoleDir, 'index.html'), PAGE);
    await writeFile(join(consoleDir, 'assets', 'index-4f9a1c.js'), ASSET);
    riderDir = await mkdtemp(join(tmpdir(), 'petalpost-rider-'));
    await mkdir(join(riderDir, 'assets'));
    await writeFile(join(riderDir, 'index.html'), RIDER_PAGE);
    await writeFile(join(riderDir, 'assets', 'index-7c2e9d.js'), RIDER_ASSET);
    await writeFile(join(riderDir, 'sw.js'), RIDER_WORKER);
    await writeFile(join(riderDir, 'manifest.webmanifest'), RIDER_MANIFEST);
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      // Dispatch and messaging are not running: nothing listens on their ports.
      services: {
        orders: orders.url,
        dispatch: `http://127.0.0.1:${dispatchPort}`,
        messaging: `http://127.0.0.1:${messagingPort}`,
        notifications: notifications.url,
        accounts: accounts.url,
      },
      consoleDir,
      riderDir,
      client: { tileUrl: TILES, geocoderUrl: GEOCODER },
    });

    const email = await makeShop(`${gateway.url}/api/accounts`, 'Gateway Blooms');
    const signedIn = await call(gateway.url, 'POST', '/api/accounts/sessions', { body: { email, password: PASSWORD } });
    expect(signedIn.status).toBe(201);
    owner = { email, accessToken: signedIn.body.accessToken as string };
  }, 180_000);
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([accounts, accountsTrustingNobody, orders, notifications].map((service) => service?.stop()));
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
    if (riderDir) await rm(riderDir, { recursive: true, force: true });
  });

  it('serves the console at / and for every deep link, its hashed assets cached for good, the page never', async () => {
    for (const path of ['/', '/orders/123', '/dispatch/map?day=2027-02-14']) {
      const answer = await page(path);
      expect({ path, status: answer.status, text: answer.text, cache: answer.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        text: PAGE,
        cache: 'no-cache',
      });
    }
    const asset = await page('/assets/index-4f9a1c.js', '*/*');
    expect({ status: asset.status, text: asset.text, cache: asset.headers.get('cache-control') }).toEqual({
      status: 200,
      text: ASSET,
      cache: 'public, max-age=31536000, immutable',
    });
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    // A missing file, or a request that is not for a page, is not answered with the page.
    expect((await page('/assets/index-0000.js', '*/*')).status).toBe(404);
    expect((await page('/orders/123', 'application/json')).status).toBe(404);
  });

  it("serves the rider's app at /rider/ and its deep links, its hashed assets for good, its service worker and manifest asked for again", async () => {
    for (const path of ['/rider/', '/rider/invitation', '/rider/stops/123?from=run', '/rider/chat/123']) {
      const answer = await page(path);
      expect({ path, status: answer.status, text: answer.text, cache: answer.headers.get('cache-control') }).toEqual({
        path,
        status: 200,
        text: RIDER_PAGE,
        cache: 'no-cache',
      });
    }
    // Without the slash, to the app's scope.
    const bare = await fetch(`${gateway.url}/rider`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect({ status: bare.status, location: bare.headers.get('location') }).toEqual({ status: 308, location: '/rider/' });

    const asset = await page('/rider/assets/index-7c2e9d.js', '*/*');
    expect({ status: asset.status, text: asset.text, cache: asset.headers.get('cache-control') }).toEqual({
      status: 200,
      text: RIDER_ASSET,
      cache: 'public, max-age=31536000, immutable',
    });
    const worker = await page('/rider/sw.js', '*/*');
    expect({ status: worker.status, text: worker.text, cache: worker.headers.get('cache-control') }).toEqual({
      status: 200,
      text: RIDER_WORKER,
      cache: 'no-cache',
    });
    expect(worker.headers.get('content-type')).toMatch(/javascript/);
    const manifest = await page('/rider/manifest.webmanifest', 'application/manifest+json,*/*');
    expect({ status: manifest.status, text: manifest.text, cache: manifest.headers.get('cache-control') }).toEqual({
      status: 200,
      text: RIDER_MANIFEST,
      cache: 'no-cache',
    });
    // The console's own files stay the console's, and nothing outside the app's folder is reachable.
    expect((await page('/rider/assets/index-0000.js', '*/*')).status).toBe(404);
    expect((await page('/rider/stops/123', 'application/json')).status).toBe(404);
    expect((await page('/rider/../index.html', '*/*')).text).not.toBe(RIDER_PAGE);
    expect((await page('/rider/%2e%2e/%2e%2e/etc/passwd', '*/*')).status).toBeGreaterThanOrEqual(400);
    expect((await page('/', 'text/html')).text).toBe(PAGE);
  });

  it('puts its security headers on what it serves itself', async () => {
    for (const path of ['/', '/assets/index-4f9a1c.js', '/config.json', '/api/nowhere/x', '/rider/', '/rider/sw.js']) {
      const { headers } = await page(path);
      expect({
        path,
        nosniff: headers.get('x-content-type-options'),
        referrer: headers.get('referrer-policy'),
        frames: headers.get('x-frame-options'),
      }).toEqual({ path, nosniff: 'nosniff', referrer: 'no-referrer', frames: 'DENY' });
      const policy = Object.fromEntries(
        headers
          .get('content-security-policy')!
          .split(';')
          .map((directive) => directive.trim().split(/\s+/))
          .map(([name, ...sources]) => [name, sources]),
      );
      expect(policy).toEqual({
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:', 'https://tiles.example.test'],
        'connect-src': ["'self'", 'https://tiles.example.test', 'https://geocoder.example.test'],
        'worker-src': ["'self'", 'blob:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
      });
    }
  });

  it('gives the browser its public settings at /config.json', async () => {
    const answer = await page('/config.json', 'application/json');
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { tileUrl: TILES, geocoderUrl: GEOCODER } });
  });

  it('passes /api/<service>/… to that service without the prefix, query and all; an unknown service is a 404 error body, never the page', async () => {
    const recipient = `Gateway Recipient ${uniqueName('r')}`;
    const placed = await call(gateway.url, 'POST', '/api/orders/orders', { token: owner.accessToken, body: roses(recipient) });
    expect(placed.status).toBe(201);
    await eventually(async () => {
      const listed = await call(gateway.url, 'GET', `/api/orders/orders?q=${encodeURIComponent(recipient)}&limit=5`, { token: owner.accessToken });
      expect(listed.status).toBe(200);
      expect((listed.body.items as Array<{ orderId: string }>).map((o) => o.orderId)).toEqual([placed.body.orderId]);
    });
    // The service's own answer comes back as it gave it: its refusal, its correlation id.
    const refused = await call(gateway.url, 'GET', '/api/orders/orders', { headers: { 'x-correlation-id': 'gateway-e2e-1' } });
    expect({ status: refused.status, code: refused.body.code, correlation: refused.headers.get('x-correlation-id') }).toEqual({
      status: 401,
      code: expect.any(String),
      correlation: 'gateway-e2e-1',
    });

    const unknown = await page('/api/flowers/bouquets');
    expect({ status: unknown.status, code: unknown.body.code, type: unknown.headers.get('content-type') }).toEqual({
      status: 404,
      code: 'UNKNOWN_SERVICE',
      type: expect.stringContaining('application/json'),
    });
    const down = await call(gateway.url, 'GET', '/api/dispatch/riders', { token: owner.accessToken });
    expect({ status: down.status, code: down.body.code }).toEqual({ status: 502, code: 'SERVICE_UNAVAILABLE' });
  });

  it('passes a shop system’s webhook to /api/orders/intake/… with its bytes untouched, so the signature over them verifies', async () => {
    const shopDomain = `${uniqueName('gateway').toLowerCase().replace(/_/g, '-')}.myshopify.com`;
    const secret = 'gateway-webhook-secret-0123456789';
    const connected = await call(gateway.url, 'POST', '/api/orders/intake/connections', {
      token: owner.accessToken,
      body: { platform: 'shopify', label: 'Web shop', shopDomain, timeZone: 'Asia/Shanghai', webhookSecret: secret },
    });
    expect(connected.status).toBe(201);
    // Bytes a proxy that parsed and re-serialised the JSON would change: spacing, an escaped slash, \u escapes.
    const body = `{"id": ${Date.now()}, "name": "#4242", "updated_at": "2026-02-10T10:00:00+08:00", "note": "roses \\/ lilies \\u4e0a\\u6d77"}`;
    const deliver = (hmac: string) =>
      fetch(`${gateway.url}/api/orders/intake/shopify/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-hmac-sha256': hmac,
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-api-version': '2026-04',
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': randomUUID(),
        },
        body,
      });
    const signed = await deliver(createHmac('sha256', secret).update(body).digest('base64'));
    expect(signed.status).toBe(200);
    expect(await signed.json()).toMatchObject({ received: true, duplicate: false });
    const forged = await deliver(
      createHmac('sha256', secret)
        .update(JSON.stringify(JSON.parse(body)))
        .digest('base64'),
    );
    expect(forged.status).toBe(401);
  });

  it('carries the live stream: /ws welcomes after the auth message and pushes the shop’s new order; /sse opens with a ticket in its query', async () => {
    const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/ws?client=console`);
    const frames: Array<{ type: string; data?: { orderId?: string } }> = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as (typeof frames)[number]));
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', token: owner.accessToken })));
    try {
      await eventually(() => expect(frames.map((f) => f.type)).toContain('welcome'));
      const placed = await call(gateway.url, 'POST', '/api/orders/orders', { token: owner.accessToken, body: roses('Live Recipient') });
      expect(placed.status).toBe(201);
      await eventually(() => expect(frames.some((f) => f.type === 'notification' && f.data?.orderId === placed.body.orderId)).toBe(true), 30_000);
    } finally {
      socket.close();
    }

    const ticket = await call(gateway.url, 'POST', '/api/notifications/stream-tickets', { token: owner.accessToken, body: {} });
    expect(ticket.status).toBe(201);
    const stream = await fetch(`${gateway.url}/sse?ticket=${encodeURIComponent(ticket.body.ticket as string)}`, { headers: { accept: 'text/event-stream' } });
    expect({ status: stream.status, type: stream.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringContaining('text/event-stream') });
    await stream.body?.cancel();
  });

  it('tells the services who the client is, and a client cannot choose it', async () => {
    // The client connects from 127.0.0.2 (another loopback address), so it is not the trusted gateway,
    // and claims to be somewhere else.
    const signedIn = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const body = JSON.stringify({ email: owner.email, password: PASSWORD });
      const req = httpRequest(
        `${gateway.url}/api/accounts/sessions`,
        {
          method: 'POST',
          localAddress: '127.0.0.2',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-forwarded-for': '203.0.113.7' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () =>
            res.statusCode === 201 ? resolve(JSON.parse(text) as Record<string, unknown>) : reject(new Error(`${res.statusCode}: ${text}`)),
          );
        },
      );
      req.once('error', reject);
      req.end(body);
    });
    expect(await signedInFrom(accounts.url, signedIn.accessToken as string)).toBe('127.0.0.2');

    // A service told to trust 127.0.0.1 believes what comes from there...
    const trusted = await call(accounts.url, 'POST', '/sessions', {
      body: { email: owner.email, password: PASSWORD },
      headers: { 'x-forwarded-for': '198.51.100.4' },
    });
    expect(trusted.status).toBe(201);
    expect(await signedInFrom(accounts.url, trusted.body.accessToken as string)).toBe('198.51.100.4');

    // ... and one told nothing believes nobody: a direct client's claim is ignored.
    const email = await makeShop(accountsTrustingNobody.url, 'Direct Blooms');
    const direct = await call(accountsTrustingNobody.url, 'POST', '/sessions', {
      body: { email, password: PASSWORD },
      headers: { 'x-forwarded-for': '198.51.100.4' },
    });
    expect(direct.status).toBe(201);
    expect(await signedInFrom(accountsTrustingNobody.url, direct.body.accessToken as string)).toBe('127.0.0.1');
  });

  it('is live while it runs, and ready only when every service is, naming those that are not', async () => {
    expect((await page('/health/live', 'application/json')).status).toBe(200);
    const notAll = await page('/health/ready', 'application/json');
    expect({ status: notAll.status, body: notAll.body }).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        services: { orders: 'up', dispatch: 'down', messaging: 'down', notifications: 'up', accounts: 'up' },
        down: ['dispatch', 'messaging'],
      },
    });

    await notifications.stop();
    const fewer = await page('/health/ready', 'application/json');
    expect({ status: fewer.status, down: fewer.body.down }).toEqual({ status: 503, down: ['dispatch', 'messaging', 'notifications'] });
  });
});
