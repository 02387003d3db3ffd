import type { Page } from 'playwright-core';
import {
  type ConsoleSystem,
  expectAccessible,
  LOCALES,
  type Locale,
  PASSWORD,
  type Person,
  screenshot,
  type Shop,
  signInAs,
  startConsoleSystem,
} from './harness';

/** What a person reads on the sign-in screen and in the header, in each language. */
const WORDS = {
  'zh-CN': {
    title: '登录 Petalpost',
    failed: '邮箱或密码不正确。',
    signOut: '退出登录',
    noScreens: '此身份在这里没有可用的页面。',
    openRiderApp: '打开骑手应用',
    nav: {
      board: '订单',
      newOrder: '新建订单',
      production: '制作',
      dispatch: '调度',
      exceptions: '异常',
      attention: '待处理',
      import: '导入',
      print: '打印',
      shop: '店铺',
      intake: '订单接入',
      analytics: '分析',
    },
  },
  en: {
    title: 'Sign in to Petalpost',
    failed: 'That e-mail and password do not match an account.',
    signOut: 'Sign out',
    noScreens: 'There is no screen for this role here.',
    openRiderApp: 'Open the rider app',
    nav: {
      board: 'Orders',
      newOrder: 'New order',
      production: 'Production',
      dispatch: 'Dispatch',
      exceptions: 'Exceptions',
      attention: 'Needs attention',
      import: 'Import',
      print: 'Print',
      shop: 'Shop',
      intake: 'Shop systems',
      analytics: 'Analytics',
    },
  },
} as const;

type Screen = keyof (typeof WORDS)['en']['nav'];
/** Where each role starts its day, and every screen its navigation offers, in order. */
const ROLES: Array<{ who: keyof Omit<Shop, 'shopId' | 'name'>; home: string; nav: Screen[] }> = [
  {
    who: 'owner',
    home: '/orders',
    nav: ['board', 'newOrder', 'production', 'dispatch', 'exceptions', 'attention', 'import', 'print', 'shop', 'intake', 'analytics'],
  },
  { who: 'staff', home: '/orders', nav: ['board', 'newOrder', 'production', 'dispatch', 'exceptions', 'attention', 'import', 'print'] },
  { who: 'florist', home: '/production', nav: ['production', 'print'] },
  { who: 'dispatcher', home: '/dispatch', nav: ['board', 'dispatch', 'exceptions', 'analytics'] },
];

const storedSession = (page: Page) => page.evaluate('localStorage.getItem("petalpost.session")');

/** People of one shop sign in to the console over the real gateway, each seeing only their role's screens. */
describe('signing in to the console', () => {
  let system: ConsoleSystem;
  let shop: Shop;

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花语小铺 Petal Corner');
  }, 180_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('refuses a wrong password with a plain message, and nobody is signed in', async () => {
    const context = await system.newContext('en');
    try {
      const page = await context.newPage();
      await page.goto('/');
      await page.getByLabel('E-mail').fill(shop.owner.email);
      await page.getByLabel('Password').fill('roses are not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();

      await expect(page.getByRole('alert').textContent()).resolves.toBe(WORDS.en.failed);
      expect(await storedSession(page)).toBeNull();
      await expectAccessible(page, 'sign-in with an error');
      // Nothing was kept: a reload is the sign-in screen again, and the right password still works.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: WORDS.en.title }).waitFor();
      expect(await page.getByRole('navigation').count()).toBe(0);
      await signInAs(page, shop.owner.email);
      expect(new URL(page.url()).pathname).toBe('/orders');
    } finally {
      await context.close();
    }
  }, 60_000);

  describe.each(LOCALES)('in %s', (locale: Locale) => {
    const words = WORDS[locale];

    it('speaks the browser’s language on the sign-in screen, which passes the accessibility check', async () => {
      const context = await system.newContext(locale);
      try {
        const page = await context.newPage();
        await page.goto('/');
        await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        await expectAccessible(page, 'sign-in');
        await screenshot(page, 'sign-in');
      } finally {
        await context.close();
      }
    }, 60_000);

    it.each(ROLES)(
      '$who lands on $home, sees only their screens in the navigation, and signs out',
      async ({ who, home, nav }) => {
        const person: Person = shop[who];
        const context = await system.newContext(locale);
        try {
          const page = await context.newPage();
          await page.goto('/');
          await signInAs(page, person.email);

          await page.waitForURL((url) => url.pathname === home);
          const links = page.getByRole('navigation').getByRole('link');
          expect(await links.allTextContents()).toEqual(nav.map((screen) => words.nav[screen]));
          await expect(page.getByText(person.displayName).count()).resolves.toBe(1);
          await expectAccessible(page, `${who}'s landing screen`);

          await page.getByRole('button', { name: words.signOut }).click();
          await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
          expect(await storedSession(page)).toBeNull();
          // Signed out for good: a deep link leads to the sign-in screen, not to the screen.
          await page.goto(home);
          await page.getByRole('heading', { level: 1, name: words.title }).waitFor();
          expect(await page.getByRole('navigation').count()).toBe(0);
        } finally {
          await context.close();
        }
      },
      60_000,
    );

    it('a rider, whose work is on the phone, finds no screens here', async () => {
      const context = await system.newContext(locale);
      try {
        const page = await context.newPage();
        await page.goto('/');
        await page.getByLabel(/^(E-mail|邮箱)$/).fill(shop.rider.email);
        await page.getByLabel(/^(Password|密码)$/).fill(PASSWORD);
        await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click();
        await page.getByText(words.noScreens).waitFor();
        expect(await page.getByRole('navigation').getByRole('link').count()).toBe(0);
        expect(await page.getByRole('link', { name: words.openRiderApp }).getAttribute('href')).toBe('/rider/');
        await expectAccessible(page, "rider's landing screen");
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
