import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AccessTokenSigner, generateSigningKey } from '@petalpost/auth';
import { allTopics } from '@petalpost/contracts';
import { DateTime } from 'luxon';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@petalpost/testing';
import { startGateway } from '@petalpost/gateway';
import { type BuiltService, productionEnv, runResources, startBuiltService } from '../lib/built-service';
import { type BundleFigures, bundleFigures } from '../lib/bundle';
import type { BenchContext } from '../lib/context';
import { repoRoot } from '../lib/infra';
import { say } from '../lib/measure';

const CONSOLE_DIR = join(repoRoot, 'dist', 'console');
const main = (name: string) => join(repoRoot, 'dist', 'apps', name, 'src', 'main.js');
const TIME_ZONE = 'Asia/Shanghai';
/** The day the boards show: the shop's tomorrow, so every window is in the future whenever the bench runs. */
const DAY = DateTime.now().setZone(TIME_ZONE).plus({ days: 1 }).startOf('day');

export interface ScreenTiming {
  orders: number;
  /** Navigation start to the first order card on screen, per run (ms). */
  firstCardMs: number[];
  /** Navigation start to every card of the day rendered (ms). */
  allCardsMs: number[];
  /** Frame intervals while the list scrolls top to bottom (ms). */
  frames: { count: number; p50: number; p95: number; over50: number };
}

export interface LiveTiming {
  /** Until the API answered the order's placing (ms). */
  placedMs: number[];
  /** Until the order was on the open board (ms). */
  onScreenMs: number[];
}

export interface ConsoleSection {
  bundle: BundleFigures;
  /** The sign-in screen: the gateway's files and the app's start, no API call (the floor). */
  signInMs: number[];
  baseline: ScreenTiming;
  board: ScreenTiming;
  /** An order placed while the board is open, until it shows (on the baseline shop's board). */
  live: LiveTiming;
  runs: number;
}

/**
 * The console in Debian's Chromium against the built orders, dispatch and notifications services
 * behind the gateway: how soon the first useful screen (the day's board) shows with 500 orders,
 * against the same board with 20 (the baseline) and the sign-in screen (the floor), and how
 * smoothly the 500-order list scrolls. The session is put in the browser's storage as sign-in
 * would leave it, signed by the bench's key, so accounts is not needed.
 */
export async function consoleSection(
  ctx: BenchContext,
  options: { orders: number; baselineOrders: number; runs: number; liveOrders: number; logLevel: string },
): Promise<ConsoleSection> {
  const bundle = bundleFigures(CONSOLE_DIR);
  say(`  first bundle ${(bundle.initialJsGzip / 1024).toFixed(1)} kB gzip JS + ${(bundle.initialCssGzip / 1024).toFixed(1)} kB CSS`);
  const namespace = `bench-console-${process.pid}`;
  const suffix = ctx.infra.embeddedPostgres ? '' : `_${process.pid}`;
  const schemas = {
    orders: `bench_console_orders${suffix}`,
    dispatch: `bench_console_dispatch${suffix}`,
    notifications: `bench_console_notifications${suffix}`,
  };
  const { cleanUp } = await runResources(ctx.infra, { topics: allTopics(namespace), schemas: Object.values(schemas) });
  const signingKey = generateSigningKey();
  const env = (schema: string) => productionEnv(ctx.infra, { schema, namespace, signingKey, logLevel: options.logLevel });
  const services: BuiltService[] = [];
  let browser: Browser | undefined;
  const gateway = { close: async () => undefined } as { url?: string; close: () => Promise<void> };
  try {
    for (const [name, extra] of [
      ['orders', { PERSONAL_DATA_KEY: randomBytes(32).toString('base64') }],
      ['dispatch', {}],
      ['notifications', { TRACKING_PUBLIC_URL: 'http://127.0.0.1/track' }],
    ] as const) {
      services.push(await startBuiltService({ name, entry: main(name), env: { ...env(schemas[name]), ...extra }, logName: `console-section-${name}` }));
    }
    const url = (name: string) => services.find((s) => s.name === name)!.url;
    const started = await startGateway({
      host: '127.0.0.1',
      port: 0,
      services: { orders: url('orders'), dispatch: url('dispatch'), notifications: url('notifications'), messaging: url('orders'), accounts: url('orders') },
      consoleDir: CONSOLE_DIR,
      client: {},
    });
    Object.assign(gateway, started);

    const signer = new AccessTokenSigner(signingKey);
    const shopFor = async (count: number) => {
      const shopId = randomUUID();
      const token = signer.sign({ role: 'staff', sub: randomUUID(), shopId, sessionId: randomUUID() }, { shops: { [shopId]: ['staff'] } });
      await placeOrders(url('orders'), token, count);
      return { shopId, token };
    };
    say(`  placing ${options.orders} + ${options.baselineOrders} orders for today …`);
    const big = await shopFor(options.orders);
    const small = await shopFor(options.baselineOrders);

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const signInMs: number[] = [];
    const baseline: ScreenTiming = { orders: options.baselineOrders, firstCardMs: [], allCardsMs: [], frames: emptyFrames() };
    const board: ScreenTiming = { orders: options.orders, firstCardMs: [], allCardsMs: [], frames: emptyFrames() };
    for (let run = 0; run < options.runs; run++) {
      signInMs.push(await timeSignIn(browser, started.url));
      // Alternate the order of the two boards so a warming machine favours neither.
      const pair: Array<[ScreenTiming, { shopId: string; token: string }]> =
        run % 2 === 0
          ? [
              [baseline, small],
              [board, big],
            ]
          : [
              [board, big],
              [baseline, small],
            ];
      for (const [timing, shop] of pair) await timeBoard(browser, started.url, shop, timing, run === options.runs - 1);
      say(
        `  run ${run + 1}/${options.runs}: sign-in ${signInMs.at(-1)} ms, board ${baseline.orders}: ${baseline.firstCardMs.at(-1)} ms, board ${board.orders}: ${board.firstCardMs.at(-1)} ms`,
      );
    }
    const live = await timeLive(browser, started.url, url('orders'), small, options.liveOrders);
    say(`  live: ${live.onScreenMs.join(', ')} ms from placing to the open board`);
    return { bundle, signInMs, baseline, board, live, runs: options.runs };
  } finally {
    await browser?.close();
    await gateway.close();
    for (const s of services.reverse()) await s.stop();
    await cleanUp();
  }
}

const emptyFrames = () => ({ count: 0, p50: 0, p95: 0, over50: 0 });

async function placeOrder(ordersUrl: string, token: string, i: number, reference = `B-${String(i).padStart(4, '0')}`): Promise<void> {
  // Two-hour windows from 08:00 to 20:00 of the shop's day.
  const from = DAY.plus({ hours: 8 + (i % 12) }).toJSDate();
  const response = await fetch(`${ordersUrl}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({
      reference,
      items: [{ sku: 'ROSE-11', name: '11 枝红玫瑰', quantity: 1 }],
      deliveryWindow: { from: from.toISOString(), to: new Date(from.getTime() + 7_200_000).toISOString(), timeZone: TIME_ZONE },
      buyer: { name: `订花人 ${i}` },
      recipient: {
        name: `收花人 ${i}`,
        address: { text: `上海市静安区南京西路 ${i} 号`, geo: { lat: 31.22 + (i % 50) / 1000, lng: 121.44 + (i % 37) / 1000 } },
      },
    }),
  });
  if (response.status !== 201) throw new Error(`placing a bench order answered ${response.status}: ${await response.text()}`);
}

async function placeOrders(ordersUrl: string, token: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 16) await Promise.all(Array.from({ length: Math.min(16, count - i) }, (_, k) => placeOrder(ordersUrl, token, i + k)));
}

/**
 * With the board open, orders placed one at a time through the API: how long until each is on
 * screen (the live stream, then a refetch), against how long the API took to answer the placing.
 */
async function timeLive(browser: Browser, base: string, ordersUrl: string, shop: { shopId: string; token: string }, count: number): Promise<LiveTiming> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const live: LiveTiming = { placedMs: [], onScreenMs: [] };
  try {
    await context.addInitScript(sessionScript(shop));
    const page = await context.newPage();
    await page.goto(`${base}/orders?view=list&day=${DAY.toISODate()}`);
    await page.locator('[data-stream="live"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-order-id]').first().waitFor({ timeout: 30_000 });
    for (let i = 0; i < count; i++) {
      const reference = `LIVE-${i}`;
      const started = performance.now();
      await placeOrder(ordersUrl, shop.token, 9000 + i, reference);
      live.placedMs.push(Math.round(performance.now() - started));
      await page.getByText(reference, { exact: true }).waitFor({ timeout: 30_000 });
      live.onScreenMs.push(Math.round(performance.now() - started));
    }
    return live;
  } finally {
    await context.close();
  }
}

/** The session as sign-in leaves it in the browser's storage (see apps/console/src/session/session.ts). */
function sessionScript(shop: { shopId: string; token: string }): string {
  const session = {
    accessToken: shop.token,
    expiresAt: Date.now() + 14 * 60_000,
    refreshToken: 'unused-in-the-bench',
    sessionId: randomUUID(),
    personId: randomUUID(),
    displayName: 'Bench',
    email: 'bench@bench.test',
    role: 'staff',
    shopId: shop.shopId,
    operator: false,
    memberships: [{ shopId: shop.shopId, shopName: 'Bench', shopTimeZone: TIME_ZONE, shopCurrency: 'CNY', roles: ['staff'], owner: false, manageTeam: false }],
  };
  return `localStorage.setItem('petalpost.session', ${JSON.stringify(JSON.stringify(session))}); localStorage.setItem('petalpost.language', 'zh-CN');`;
}

async function timeSignIn(browser: Browser, base: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.locator('input[type=password]').waitFor();
    return Math.round(await page.evaluate(() => performance.now()));
  } finally {
    await context.close();
  }
}

async function timeBoard(browser: Browser, base: string, shop: { shopId: string; token: string }, timing: ScreenTiming, scroll: boolean): Promise<void> {
  // The gateway's CSP forbids eval, and the bench's probes are strings evaluated in the page.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    await context.addInitScript(sessionScript(shop));
    const page = await context.newPage();
    await page.goto(`${base}/orders?view=list&day=${DAY.toISODate()}`);
    await page.locator('[data-order-id]').first().waitFor({ timeout: 30_000 });
    timing.firstCardMs.push(Math.round(await page.evaluate(() => performance.now())));
    await page.waitForFunction(`document.querySelectorAll('[data-order-id]').length >= ${timing.orders}`, undefined, { timeout: 60_000 });
    timing.allCardsMs.push(Math.round(await page.evaluate(() => performance.now())));
    if (scroll) timing.frames = await scrollFrames(page);
  } finally {
    await context.close();
  }
}

/** Scrolls the page top to bottom, 60 px a frame, and records every frame's interval. */
async function scrollFrames(page: import('playwright-core').Page): Promise<ScreenTiming['frames']> {
  // Runs in the page (a string: the bench is compiled without the DOM's types).
  const intervals = (await page.evaluate(`new Promise((resolve) => {
    const seen = [];
    let last = performance.now();
    const step = (now) => {
      seen.push(now - last);
      last = now;
      if (scrollY >= document.scrollingElement.scrollHeight - innerHeight || seen.length > 600) return resolve(seen.slice(1));
      scrollBy(0, 60);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`)) as number[];
  const sorted = [...intervals].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10;
  return { count: intervals.length, p50: at(0.5), p95: at(0.95), over50: intervals.filter((x) => x > 50).length };
}
