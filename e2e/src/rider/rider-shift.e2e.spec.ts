import { randomUUID } from 'node:crypto';
import { uniqueName } from '@petalpost/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleSystem, DEPOT, expectAccessible, PASSWORD, type Shop, startConsoleSystem } from '../console/harness';
import { newPhone, riderScreenshot } from './rider-harness';

type Fix = { lat: number; lng: number; recordedAt: string };

/**
 * A rider's first day, on a phone, against the real services through the gateway: the shop
 * invites them, they open the link, choose a password and are in the app; they go on shift and
 * ride — their positions reach dispatch, the ones taken in a tunnel too, once each; the app is
 * installable and opens with no network.
 */
describe("the rider's app: invitation, shift and positions on a phone", () => {
  let system: ConsoleSystem;
  let shop: Shop;
  let phone: BrowserContext;
  let page: Page;
  const email = `${uniqueName('rider').replace(/_/g, '-')}@shop.example`;
  let riderId: string;

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花间 Petal Lane');
    phone = await newPhone(system, 'en', DEPOT);
    page = await phone.newPage();
  }, 120_000);
  afterAll(async () => {
    await phone?.close();
    await system?.stop();
  });

  const trailOf = async (since: string) => {
    const trail = await system.call('dispatch', 'GET', `/riders/${riderId}/trail?since=${encodeURIComponent(since)}`, { token: shop.dispatcher.token });
    expect(trail.status).toBe(200);
    return (trail.body.items ?? []) as Array<{ lat: number; lng: number; recordedAt: string }>;
  };
  const moveTo = async (lat: number, lng: number) => {
    await phone.setGeolocation({ latitude: lat, longitude: lng, accuracy: 8 });
    // The phone takes a fix as it moves; give the watch a moment before the next.
    await page.waitForTimeout(400);
  };

  it('takes the invited rider from the link to the app, signed in for good', async () => {
    const invited = await system.call('accounts', 'POST', `/shops/${shop.shopId}/invitations`, { token: shop.owner.token, body: { roles: ['rider'] } });
    expect(invited.status).toBe(201);
    const link = invited.body.link as string;
    expect(link).toBe(`${system.url}/rider/invitation#${invited.body.secret as string}`);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Join your shop as a rider' }).waitFor();
    await expectAccessible(page, 'invitation');
    await riderScreenshot(page, 'invitation');
    await page.getByLabel('Your name').fill('赵六 Zhao Liu');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Join and sign in' }).click();

    // In the app: the shop's name in the header, the secret gone from the address bar.
    await page.locator('.shop-name').getByText('花间 Petal Lane').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/rider\/?$/);
    expect(new URL(page.url()).hash).toBe('');

    // The link was good once: opened again, it says so plainly.
    const otherPhone = await newPhone(system, 'zh-CN', DEPOT);
    const again = await otherPhone.newPage();
    await again.goto(link);
    await again.getByLabel('您的姓名').waitFor();
    await riderScreenshot(again, 'invitation');
    await again.getByLabel('您的姓名').fill('Someone Else');
    await again.getByLabel('邮箱').fill(`x-${email}`);
    await again.getByLabel('新密码').fill(PASSWORD);
    await again.getByRole('button', { name: '加入并登录' }).click();
    await again
      .getByRole('alert')
      .getByText(/此邀请已被使用.*\(INVITATION_USED\)/)
      .waitFor();
    await expectAccessible(again, 'invitation refused');
    await riderScreenshot(again, 'invitation-used');
    await otherPhone.close();

    // Dispatch learns of the new rider from the shop (as a dispatcher adds a rider).
    const me = await system.call('accounts', 'POST', '/sessions', { body: { email, password: PASSWORD } });
    const profile = await system.call('accounts', 'GET', '/me', { token: me.body.accessToken as string });
    riderId = profile.body.personId as string;
    const registered = await system.call('dispatch', 'POST', '/riders', {
      token: shop.owner.token,
      body: { riderId, name: '赵六 Zhao Liu', phone: '13800138111', vehicle: { kind: 'e-bike', capacity: 6 } },
    });
    expect(registered.status).toBe(201);

    // Still signed in after a reload (the session is kept on the phone).
    await page.reload();
    await page.locator('.shift[data-shift="off"]').waitFor();
    expect(await page.getByRole('button', { name: 'Off' }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible(page, 'run');
    await riderScreenshot(page, 'shell');
  });

  it('goes on shift and its positions reach dispatch as it rides, those from a tunnel when it comes out, once each', async () => {
    const start = new Date(Date.now() - 1_000).toISOString();
    await page.getByRole('button', { name: 'On shift' }).click();
    await page.locator('.shift[data-shift="on_shift"]').waitFor();
    const rider = await system.call('dispatch', 'GET', `/riders/${riderId}`, { token: shop.dispatcher.token });
    expect(rider.body.availability).toBe('on_shift');

    const route = [
      { lat: 31.2241, lng: 121.4449 },
      { lat: 31.2262, lng: 121.4441 },
      { lat: 31.2285, lng: 121.4433 },
    ];
    for (const point of route) await moveTo(point.lat, point.lng);
    const last = route[route.length - 1];
    await waitFor(async () => {
      const position = await system.call('dispatch', 'GET', `/riders/${riderId}/position`, { token: shop.dispatcher.token });
      return position.status === 200 && position.body.lat === last.lat && position.body.lng === last.lng;
    }, 20_000);

    // Into a tunnel: the phone keeps what it sees, the header says offline.
    await phone.setOffline(true);
    await page.locator('[data-network="offline"]').waitFor();
    const tunnel = [
      { lat: 31.2301, lng: 121.4427 },
      { lat: 31.2318, lng: 121.4424 },
    ];
    for (const point of tunnel) await moveTo(point.lat, point.lng);
    await page.getByRole('button', { name: /waiting to send|All sent/ }).click();
    await page
      .getByRole('dialog')
      .getByText(/position reports? waiting/)
      .waitFor();
    await expectAccessible(page, 'outbox sheet');
    await riderScreenshot(page, 'offline-outbox');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    // Nothing of the tunnel has reached dispatch.
    expect((await trailOf(start)).map((p) => p.lat)).not.toContain(tunnel[0].lat);

    // Out of the tunnel: what waited arrives, in order, each once.
    await phone.setOffline(false);
    await page.locator('[data-network="online"]').waitFor();
    await waitFor(async () => (await trailOf(start)).some((p) => p.lat === tunnel[1].lat), 20_000);
    const trail = await trailOf(start);
    const lats = trail.map((p) => p.lat);
    for (const point of [...route, ...tunnel])
      expect({ lat: point.lat, times: lats.filter((l) => l === point.lat).length }).toEqual({ lat: point.lat, times: 1 });
    expect(trail.map((p) => p.recordedAt)).toEqual([...trail.map((p) => p.recordedAt)].sort());
  });

  it('stores a position batch sent twice (its answer lost) once', async () => {
    const signedIn = await system.call('accounts', 'POST', '/sessions', { body: { email, password: PASSWORD } });
    const token = signedIn.body.accessToken as string;
    const fix: Fix = { lat: 31.2333, lng: 121.4419, recordedAt: new Date().toISOString() };
    // As the app sends it: each report with its own id.
    const batch = { positions: [{ id: randomUUID(), lat: fix.lat, lng: fix.lng, accuracy: 6, recordedAt: fix.recordedAt }] };
    const first = await system.call('dispatch', 'POST', '/riders/me/positions', { token, body: batch });
    const second = await system.call('dispatch', 'POST', '/riders/me/positions', { token, body: batch });
    expect([first.status, first.body.accepted, second.status, second.body.accepted, second.body.dropped]).toEqual([
      202,
      1,
      202,
      0,
      [{ index: 0, reason: 'duplicate' }],
    ]);
    const trail = await trailOf(new Date(Date.parse(fix.recordedAt) - 1).toISOString());
    expect(trail.filter((p) => p.recordedAt === fix.recordedAt && p.lat === fix.lat)).toHaveLength(1);
  });

  it('is installable: its manifest, a service worker in control, and it opens with no network', async () => {
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const answer = await page.request.get(new URL(href ?? '', page.url()).href);
    const manifest = { type: answer.headers()['content-type'], body: (await answer.json()) as Record<string, unknown> };
    expect(manifest.type).toMatch(/manifest\+json|json/);
    expect(manifest.body).toMatchObject({ start_url: '/rider/', scope: '/rider/', display: 'standalone', short_name: expect.stringMatching(/骑手.*Rider/) });
    const icons = manifest.body.icons as Array<{ src: string; sizes: string; purpose?: string }>;
    expect(icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of icons) {
      const answer = await page.request.get(new URL(icon.src, `${system.url}/rider/`).href);
      expect({ src: icon.src, status: answer.status(), type: answer.headers()['content-type'] }).toEqual({ src: icon.src, status: 200, type: 'image/png' });
    }

    // Evaluated in the page (a string: this file is compiled without the DOM's types).
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
    const scope = await page.evaluate('navigator.serviceWorker.ready.then((registration) => registration.scope)');
    expect(scope).toBe(`${system.url}/rider/`);

    await phone.setOffline(true);
    await page.reload();
    await page.locator('.shop-name').getByText('花间 Petal Lane').waitFor();
    await page.locator('[data-network="offline"]').waitFor();
    await riderScreenshot(page, 'offline-reload');
    // A deep link opened offline is the app too.
    await page.goto('/rider/stops/some-order');
    await page.locator('.shop-name').waitFor();
    await phone.setOffline(false);
  });

  it('signs out from the menu and signs in again with e-mail and password', async () => {
    await page.goto('/rider/');
    await page.getByText('Menu', { exact: true }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await riderScreenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.shop-name').getByText('花间 Petal Lane').waitFor();
    // Still on shift, as dispatch has it.
    await page.locator('.shift[data-shift="on_shift"]').waitFor();

    // The language chosen from the menu stays on the phone: signed out, the app speaks Chinese.
    await page.getByText('Menu', { exact: true }).click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await riderScreenshot(page, 'sign-in');
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
