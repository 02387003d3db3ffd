import { randomUUID } from 'node:crypto';
import { eventually } from '@petalpost/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleSystem, DEPOT, expectAccessible, PASSWORD, phoneOrder, screenshot, type Shop, signInAs, startConsoleSystem } from '../console/harness';
import { newPhone, riderScreenshot } from './rider-harness';

const MINUTE = 60_000;
/** A privacy number (隐私号) as Meituan and Ele.me give it, normalised: the virtual line, a dial pause, the extension. */
const PRIVACY_NUMBER = '13812345678,1234';
const clockOf = (locale: 'zh-CN' | 'en-GB', iso: string) =>
  new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

/**
 * The platforms hide the recipient's phone behind a privacy number that stops working some hours
 * after the delivery. Against the real services through the gateway: two orders placed with one,
 * one already expired and one still valid. The rider's phone offers a call (the extension dialled
 * after a pause) only while it works, and sends the rider to the shop once it has expired — also
 * when it expires while the stop is open; the console's order page says until when it works, or
 * that it expired, on the shop's clock.
 */
describe('a privacy number, in the rider’s app and the console', () => {
  let system: ConsoleSystem;
  let shop: Shop;
  let phone: BrowserContext;
  let page: Page;
  const valid = { name: '李娜 Li Na', orderId: '', expiresAt: '' };
  const expired = { name: '周杰 Zhou Jie', orderId: '', expiresAt: '' };
  const staff = (service: 'orders' | 'dispatch', method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    system.call(service, method, path, { token: shop.owner.token, ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花间 Petal Lane');
    const now = Date.now();
    // Long enough to be seen working, short enough to pass on the phone's clock while the rider's
    // access token (15 minutes) still counts as fresh there.
    valid.expiresAt = new Date(now + 6 * MINUTE).toISOString();
    expired.expiresAt = new Date(now - 5 * MINUTE).toISOString();
    for (const [i, order] of [valid, expired].entries()) {
      const body = phoneOrder(order.name, `PRIVACY-${i + 1}`);
      const placed = await staff('orders', 'POST', '/orders', {
        ...body,
        source: 'marketplace',
        recipient: { ...body.recipient, phone: PRIVACY_NUMBER, phoneExpiresAt: order.expiresAt },
      });
      expect(placed.status).toBe(201);
      order.orderId = placed.body.orderId as string;
      expect((await staff('orders', 'POST', `/orders/${order.orderId}/accept`, {})).status).toBe(200);
      // Given to the shop's rider once dispatch's board has the order.
      await eventually(
        async () => {
          const assigned = await staff(
            'dispatch',
            'PUT',
            `/deliveries/${order.orderId}/rider`,
            { riderId: shop.rider.personId },
            { 'Idempotency-Key': randomUUID() },
          );
          expect(assigned.status).toBe(202);
        },
        20_000,
        200,
      );
    }
    // The orders service knows the rider has them: the rider may open them.
    await eventually(
      async () => {
        for (const { orderId } of [valid, expired])
          expect((await system.call('orders', 'GET', `/orders/${orderId}`, { token: shop.rider.token })).status).toBe(200);
      },
      20_000,
      200,
    );
    phone = await newPhone(system, 'zh-CN', DEPOT);
    // The phone's clock is the page's own, moved on by the test to pass an expiry while a stop is open.
    await phone.clock.install();
    page = await phone.newPage();
  }, 150_000);
  afterAll(async () => {
    await phone?.close();
    await system?.stop();
  });

  it('gives dispatchers and riders the number with until when it works, on dispatch’s board too', async () => {
    const board = await system.call('dispatch', 'GET', '/deliveries?limit=50', { token: shop.dispatcher.token });
    const recipients = Object.fromEntries(
      (board.body.items ?? []).map((d) => [d.orderId as string, d.recipient as { phone?: string; phoneExpiresAt?: string }]),
    );
    expect([recipients[valid.orderId], recipients[expired.orderId]]).toMatchObject([
      { phone: PRIVACY_NUMBER, phoneExpiresAt: valid.expiresAt },
      { phone: PRIVACY_NUMBER, phoneExpiresAt: expired.expiresAt },
    ]);
  });

  it('shows staff until when the number works, and that it expired, on the shop’s clock', async () => {
    const context = await system.newContext('en');
    try {
      const desk = await context.newPage();
      await signInAs(desk, shop.owner.email);
      await desk.goto(`/orders/${valid.orderId}`);
      const validLine = desk.locator('.recipient-phone', {
        hasText: `13812345678 ext. 1234 (privacy number, valid until ${clockOf('en-GB', valid.expiresAt)})`,
      });
      await validLine.waitFor();
      await expect(validLine.getAttribute('data-phone-state')).resolves.toBe('callable');
      await expectAccessible(desk, 'order with a privacy number');
      await screenshot(desk, 'order-privacy-number');

      await desk.goto(`/orders/${expired.orderId}`);
      const expiredLine = desk.locator('.recipient-phone', {
        hasText: `13812345678 ext. 1234 (privacy number, expired at ${clockOf('en-GB', expired.expiresAt)})`,
      });
      await expiredLine.waitFor();
      await expect(expiredLine.getAttribute('data-phone-state')).resolves.toBe('expired');
    } finally {
      await context.close();
    }
  });

  it('offers the rider a call that dials the extension while the number works, and the shop once it expires on screen', async () => {
    await page.goto('/rider/');
    await page.getByLabel('邮箱').fill(shop.rider.email);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('.shop-name').waitFor();

    await page.goto(`/rider/stops/${valid.orderId}`);
    await page.getByRole('heading', { level: 1, name: valid.name }).waitFor();
    const call = page.getByRole('link', { name: `致电 ${valid.name}（13812345678 转 1234）` });
    await expect(call.getAttribute('href')).resolves.toBe(`tel:${PRIVACY_NUMBER}`);
    await page.getByText(`隐私号，至 ${clockOf('zh-CN', valid.expiresAt)} 有效。`).waitFor();
    await expect(page.getByText('号码已过期 — 请联系店铺').count()).resolves.toBe(0);
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await expectAccessible(page, 'stop with a privacy number');
    await riderScreenshot(page, 'stop-privacy-number');

    // The rider keeps the stop open past the number's expiry: the call goes, the shop is offered.
    const untilExpiry = Date.parse(valid.expiresAt) - Date.now();
    expect(untilExpiry).toBeGreaterThan(0);
    await page.clock.fastForward(untilExpiry + 1_000);
    await page.getByText('号码已过期 — 请联系店铺').waitFor();
    await expect(page.getByRole('link', { name: /^致电 / }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: '给店铺发消息' }).getAttribute('href')).resolves.toBe(`/rider/chat/${valid.orderId}`);
  });

  it('shows the rider an expired number as expired, with the way to the shop instead of a call', async () => {
    await page.goto(`/rider/stops/${expired.orderId}`);
    await page.getByRole('heading', { level: 1, name: expired.name }).waitFor();
    await page.getByText('号码已过期 — 请联系店铺').waitFor();
    await page.getByText(`隐私号 13812345678 转 1234 已于 ${clockOf('zh-CN', expired.expiresAt)} 失效。`).waitFor();
    await expect(page.getByRole('link', { name: /^致电 / }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: '给店铺发消息' }).click();
    await page.waitForURL(`**/rider/chat/${expired.orderId}`);
    await page.goBack();
    await page.getByText('号码已过期 — 请联系店铺').waitFor();
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await expectAccessible(page, 'stop with an expired privacy number');
    await riderScreenshot(page, 'stop-privacy-number-expired');
  });
});
