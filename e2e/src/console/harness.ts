import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { freePorts, spawnService, waitUntilReady } from '@petalpost/infra';
import { CHROMIUM_ARGS, CHROMIUM_PATH, createTestNamespace, type ServiceProcess, startServiceProcess, uniqueName } from '@petalpost/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const repoRoot = join(__dirname, '..', '..', '..');
/** Where global setup's `npm run build` puts the console and the rider's app. */
const CONSOLE_DIR = join(repoRoot, 'dist', 'console');
const RIDER_DIR = join(repoRoot, 'dist', 'rider');
const GATEWAY_SERVICES = ['orders', 'dispatch', 'messaging', 'notifications', 'accounts'] as const;
type GatewayService = (typeof GATEWAY_SERVICES)[number];
/**
 * Screens kept from each run, as the run's artefacts (reports/ is not tracked). docs/console.md
 * shows a set refreshed on purpose: `CONSOLE_SCREENS_DIR=docs/console/screens npx jest e2e/src/console`.
 */
export const SCREENS_DIR = resolve(repoRoot, process.env.CONSOLE_SCREENS_DIR ?? join('reports', 'console-screens'));

export const PASSWORD = 'camellias in the cold room';
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const SIZES = [
  { width: 1280, height: 800 },
  { width: 768, height: 1024 },
] as const;
/** The shop's counter in Jing'an: the depot plans start from, and where the test orders go. */
export const DEPOT = { lat: 31.2235, lng: 121.4453 };
const TIME_ZONE = 'Asia/Shanghai';

type Answer = { status: number; body: Record<string, unknown> & { items?: Array<Record<string, unknown>> } };
export interface Person {
  email: string;
  displayName: string;
  personId: string;
  token: string;
}
export interface Shop {
  shopId: string;
  name: string;
  /** The owner acts as staff, as the console's owner does. */
  owner: Person;
  /** Staff without the owner's rights. */
  staff: Person;
  florist: Person;
  dispatcher: Person;
  rider: Person;
}

export interface ConsoleSystem {
  /** The one origin the browser talks to, e.g. http://127.0.0.1:41234 */
  url: string;
  browser: Browser;
  /** A call to a service through the gateway, as the console's own requests go. */
  call(service: GatewayService, method: string, path: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<Answer>;
  /** A shop with its team, each person invited and accepted through the accounts API, the rider on shift. */
  makeShop(name: string): Promise<Shop>;
  /** A browser context in this locale, its pages opening the console. */
  newContext(locale: Locale, viewport?: { width: number; height: number }): Promise<BrowserContext>;
  stop(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it, for one spec file: the five services each in its own
 * process (tokens verified against accounts' keys alone, the gateway trusted to name the client),
 * the gateway serving the built console at / and the rider's app at /rider/, and a headless
 * Chromium. The rider's app's specs (e2e/src/rider) use it too. `env` adds settings of a spec's own
 * (a stand-in platform's origin, quicker retries) to a service.
 */
export async function startConsoleSystem(options: { env?: Partial<Record<GatewayService, Record<string, string>>> } = {}): Promise<ConsoleSystem> {
  const namespace = await createTestNamespace();
  // The gateway's port is known before accounts starts: invitation links point at it.
  const [accountsPort, gatewayPort] = await freePorts(2);
  const env = {
    KAFKA_NAMESPACE: namespace,
    AUTH_DEVELOPMENT_KEY: 'false',
    AUTH_JWKS_URL: `http://127.0.0.1:${accountsPort}/.well-known/jwks.json`,
    TRUSTED_PROXIES: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const started: ServiceProcess[] = [];
  let gateway: ServiceProcess | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    // The gateway first: no browser request reaches a service that is going away.
    await gateway?.stop();
    await Promise.all(started.map((service) => service.stop()));
  };
  try {
    const extra: Partial<Record<GatewayService, Record<string, string>>> = {
      accounts: {
        PORT: String(accountsPort),
        ACCOUNTS_INVITATION_URL: `http://127.0.0.1:${gatewayPort}/invitation`,
        ACCOUNTS_RIDER_INVITATION_URL: `http://127.0.0.1:${gatewayPort}/rider/invitation`,
      },
      // The webhook addresses a connection shows are the gateway's, as a shop's admin would be given them.
      orders: { ORDERS_INTAKE_PUBLIC_URL: `http://127.0.0.1:${gatewayPort}/api/orders` },
      // A plan in a fraction of a second, a second after the last at most: the test shop has a handful of orders, and the walk is not about the debounce (dispatch's own specs are).
      dispatch: { DISPATCH_PLAN_TIME_LIMIT_MS: '200', DISPATCH_REPLAN_SETTLE_MS: '200', DISPATCH_REPLAN_DEBOUNCE_SECONDS: '1', DISPATCH_TIME_ZONE: TIME_ZONE },
    };
    const services = await Promise.all(
      GATEWAY_SERVICES.map(async (name) => {
        const service = await startServiceProcess(name, { ...env, ...extra[name], ...options.env?.[name] });
        started.push(service);
        return [name, service.url] as const;
      }),
    );
    // The standalone gateway, as a deployment without an Ingress runs it. No TILE_URL: the map draws
    // riders and stops on a plain background, and the run needs no network.
    gateway = spawnService(
      'gateway',
      join(repoRoot, 'dist', 'tools', 'gateway', 'main.js'),
      `http://127.0.0.1:${gatewayPort}`,
      {
        GATEWAY_PORT: String(gatewayPort),
        CONSOLE_DIR,
        RIDER_DIR,
        LOG_LEVEL: env.LOG_LEVEL,
        ...Object.fromEntries(services.map(([name, serviceUrl]) => [`${name.toUpperCase()}_URL`, serviceUrl])),
      },
      join(repoRoot, '.data', 'test-logs', `gateway-${gatewayPort}.log`),
    );
    await waitUntilReady(gateway, 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  } catch (err) {
    await stop();
    throw err;
  }
  const url = gateway.url;
  const openBrowser = browser;

  const call: ConsoleSystem['call'] = async (service, method, path, options = {}) => {
    const response = await fetch(`${url}/api/${service}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
  };
  const ok = async (what: string, answer: Promise<Answer>): Promise<Answer['body']> => {
    const { status, body } = await answer;
    if (status >= 300) throw new Error(`${what} answered ${status} ${JSON.stringify(body)}`);
    return body;
  };
  const signIn = async (email: string, displayName: string): Promise<Person> => {
    const session = await ok(`signing ${email} in`, call('accounts', 'POST', '/sessions', { body: { email, password: PASSWORD } }));
    const token = session.accessToken as string;
    const me = await ok('reading /me', call('accounts', 'GET', '/me', { token }));
    return { email, displayName, personId: me.personId as string, token };
  };

  const makeShop = async (name: string): Promise<Shop> => {
    const tag = uniqueName('shop').replace(/_/g, '-');
    const emailOf = (who: string) => `${who}-${tag}@shop.example`;
    const created = await ok(
      'making the shop',
      call('accounts', 'POST', '/shops', {
        body: { name, timeZone: TIME_ZONE, currency: 'CNY', owner: { email: emailOf('owner'), displayName: '林晓 Lin Xiao', password: PASSWORD } },
      }),
    );
    const shopId = created.shopId as string;
    const owner = await signIn(emailOf('owner'), '林晓 Lin Xiao');
    const team = { staff: '刘洋 Liu Yang', florist: '陈梅 Chen Mei', dispatcher: '王磊 Wang Lei', rider: '张伟 Zhang Wei' } as const;
    const people = {} as Record<keyof typeof team, Person>;
    for (const [role, displayName] of Object.entries(team) as Array<[keyof typeof team, string]>) {
      const invitation = await ok(
        `inviting the ${role}`,
        call('accounts', 'POST', `/shops/${shopId}/invitations`, { token: owner.token, body: { email: emailOf(role), roles: [role] } }),
      );
      await ok(`the ${role} accepting`, call('accounts', 'POST', invitation.acceptPath as string, { body: { displayName, password: PASSWORD } }));
      people[role] = await signIn(emailOf(role), displayName);
    }
    await ok(
      'dispatch settings',
      call('dispatch', 'PUT', '/dispatch-settings', { token: owner.token, body: { autoApply: false, depot: DEPOT, timeZone: TIME_ZONE } }),
    );
    await ok(
      'registering the rider',
      call('dispatch', 'POST', '/riders', {
        token: owner.token,
        body: { riderId: people.rider.personId, name: people.rider.displayName, phone: '13800138000', vehicle: { kind: 'e-bike', capacity: 8 } },
      }),
    );
    await ok('the rider going on shift', call('dispatch', 'PUT', '/riders/me/availability', { token: people.rider.token, body: { availability: 'on_shift' } }));
    return { shopId, name, owner, ...people };
  };

  return {
    url,
    browser: openBrowser,
    call,
    makeShop,
    newContext: (locale, viewport = SIZES[0]) => openBrowser.newContext({ locale, viewport: { ...viewport }, baseURL: url, timezoneId: 'Europe/London' }),
    stop,
  };
}

/**
 * A two-hour delivery window opening a few minutes from now, and the shop's day it falls on (the
 * board shows one day: near midnight the window's day is tomorrow's).
 */
let soon: ReturnType<typeof windowSoonFrom> | undefined;

/**
 * A delivery window starting in a few minutes, the same one for every call in a test file, so
 * that all of a spec's orders fall on one shop day even when the run crosses the shop's midnight.
 */
export function windowSoon(): { deliveryWindow: { from: string; to: string; timeZone: string }; shopDay: string } {
  soon ??= windowSoonFrom(Date.now());
  return soon;
}

function windowSoonFrom(now: number) {
  // Minutes enough for a whole file's steps to come before the window opens.
  const from = new Date(Math.ceil(now / 60_000) * 60_000 + 15 * 60_000);
  const to = new Date(from.getTime() + 2 * 3_600_000);
  const shopDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(from);
  return { deliveryWindow: { from: from.toISOString(), to: to.toISOString(), timeZone: TIME_ZONE }, shopDay };
}

/** An order as staff take it over the phone, to a point near the shop. */
export function phoneOrder(recipientName: string, reference: string) {
  return {
    reference,
    source: 'phone',
    items: [{ sku: 'ROSE-11', name: '11 枝红玫瑰 Eleven red roses', quantity: 1 }],
    deliveryWindow: windowSoon().deliveryWindow,
    buyer: { name: '王芳 Wang Fang', phone: '13912345678' },
    recipient: {
      name: recipientName,
      phone: '13887654321',
      address: { text: '上海市静安区常德路 800 号 3 号楼 1202 室', geo: { lat: 31.2326, lng: 121.4422 } },
    },
    cardMessage: '生日快乐 Happy birthday',
    price: { amountMinor: 29900, currency: 'CNY' },
    paid: true,
  };
}

/** Signs in through the console's form, in whichever language the page speaks, and waits for the first screen. */
export async function signInAs(page: Page, email: string, password = PASSWORD): Promise<void> {
  if (!page.url().startsWith('http')) await page.goto('/');
  await page.getByLabel(/^(E-mail|邮箱)$/).fill(email);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click();
  await page.getByRole('navigation').waitFor();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Runs axe on what the page shows now and fails with each violation, where it is and why. */
export async function expectAccessible(page: Page, screenName: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const found = violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    where: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`),
  }));
  expect({ screen: screenName, violations: found }).toEqual({ screen: screenName, violations: [] });
}

/**
 * Keeps the screen as it looks at both sizes, as <SCREENS_DIR>/<locale>-<name>-<w>x<h>.png,
 * and puts the page back at the size it had.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const locale = (await page.locator('html').getAttribute('lang')) ?? 'unknown';
  const before = page.viewportSize();
  await mkdir(SCREENS_DIR, { recursive: true });
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENS_DIR, `${locale}-${name}-${size.width}x${size.height}.png`), animations: 'disabled' });
  }
  if (before) await page.setViewportSize(before);
}

/** The header's live-stream state: live, connecting or offline. */
export const streamState = (page: Page) => page.locator('[data-stream]').getAttribute('data-stream');
