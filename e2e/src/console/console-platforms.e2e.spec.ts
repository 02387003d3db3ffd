import { randomInt } from 'node:crypto';
import { eventually } from '@petalpost/testing';
import {
  meituanPaidOrder,
  startMeituanStandIn,
  startWechatStandIn,
  startYouzanStandIn,
  type MeituanStandIn,
  type WechatStandIn,
  type YouzanStandIn,
} from '@petalpost/testing/shop-platforms';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleSystem, expectAccessible, type Locale, screenshot, type Shop, signInAs, startConsoleSystem } from './harness';

/** Meituan's push types, each with its own callback URL (docs/intake.md, Meituan). */
const MEITUAN_PUSH_TYPES = ['paid', 'confirmed', 'cancelled', 'refunded', 'partly-refunded', 'reminder', 'completed', 'privacy-downgrade'];
/** Attempts before a write-back Meituan refuses is given up: two, so the spec sees one die quickly. */
const MAX_ATTEMPTS = 2;

/** Scrolls what a screenshot is of to the top of the window (a string: this file is compiled without the DOM's types). */
const scrollToTop = (page: Page, selector: string) => page.evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'start' })`);
/** Everything the owner can read or copy on the page: its text and every field's value. */
const everythingShown = (page: Page) =>
  page.evaluate<string>(`document.body.innerText + '\\n' + [...document.querySelectorAll('input, textarea')].map((el) => el.value).join('\\n')`);

/**
 * The owner connects the Chinese platforms a florist sells on, on the shop's systems page, against
 * the real gateway and services: a Meituan 闪购 store (in Chinese) and an Ele.me 零售 store (in
 * English, by keyboard), each by the fields its developer console names; the callback addresses
 * to paste are shown and copied; each platform's own signed sample push goes through the real
 * receive path and its outcome is shown; the buyer-note rules are edited. Meituan's open API is a
 * local stand-in (libs/testing/src/shop-platforms/meituan.stand-in.ts), since Meituan cannot be
 * reached from a test machine: it signs a real order's push as Meituan does and refuses the
 * confirmation written back until it is given up, which the owner sees and retries. A WeChat
 * Store (in Chinese) and a Youzan shop (in English) are connected the same way, with credentials
 * of the shapes their consoles issue taken from their local stand-ins (wechat.stand-in.ts,
 * youzan.stand-in.ts); the WeChat stand-in also checks the address shown as WeChat checks a push
 * URL when it is saved.
 */
describe('the Chinese platforms on the shop’s systems page', () => {
  let system: ConsoleSystem;
  let shop: Shop;
  let meituan: MeituanStandIn;
  let wechat: WechatStandIn;
  let youzan: YouzanStandIn;
  let zhPage: Page;
  let enPage: Page;
  let meituanId = '';
  const contexts: BrowserContext[] = [];
  const open = async (locale: Locale, path: string): Promise<Page> => {
    const context = await system.newContext(locale);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: system.url });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    await signInAs(page, shop.owner.email);
    return page;
  };
  const asOwner = (method: string, path: string, body?: unknown) =>
    system.call('orders', method, path, { token: shop.owner.token, ...(body !== undefined ? { body } : {}) });
  const connectionOf = async (connectionId: string) => {
    const { body } = await asOwner('GET', '/intake/connections');
    return (body.connections as Array<Record<string, unknown>>).find((c) => c.connectionId === connectionId);
  };

  beforeAll(async () => {
    [meituan, wechat, youzan] = await Promise.all([startMeituanStandIn(), startWechatStandIn(), startYouzanStandIn()]);
    system = await startConsoleSystem({
      env: {
        orders: {
          ORDERS_INTAKE_MEITUAN_API_ORIGIN: meituan.apiOrigin,
          ORDERS_INTAKE_WORKER_POLL_MS: '100',
          ORDERS_INTAKE_WRITEBACK_POLL_MS: '100',
          ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: '50',
          ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: '200',
          ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        },
      },
    });
    shop = await system.makeShop('花间小店 Platforms');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await system?.stop();
    await Promise.all([meituan?.close(), wechat?.close(), youzan?.close()]);
  });

  it('connects a Meituan store by its app_id, app_secret and app_poi_code, gives a callback address per push type to copy, and its test push is verified', async () => {
    zhPage = await open('zh-CN', '/intake');
    const page = zhPage;
    const form = page.getByRole('form', { name: '连接店铺' });
    await form.getByRole('radio', { name: '美团闪购' }).check();
    await form.getByLabel('显示名称').fill('美团 花间小店');
    await form.getByLabel(/^app_id/).fill(meituan.appId);
    await form.getByLabel(/^app_secret/).fill(meituan.appSecret);
    await form.getByLabel(/^门店 app_poi_code/).fill(meituan.appPoiCode);
    await form.getByRole('button', { name: '连接', exact: true }).click();

    const connected = page.locator('section.connected');
    await connected.getByRole('heading', { name: '美团 花间小店 已连接。' }).waitFor();
    const card = page.locator('article.connection[data-platform="meituan"]');
    meituanId = (await card.getAttribute('data-connection-id')) ?? '';
    // One address per push type, each exactly what Meituan signs over: the gateway's public address.
    const shown = await connected
      .locator('.callback-urls li')
      .evaluateAll((items) => items.map((li) => [li.getAttribute('data-push-type'), li.querySelector('input')?.value]));
    expect(shown).toEqual(MEITUAN_PUSH_TYPES.map((type) => [type, `${system.url}/api/orders/intake/pushes/meituan/${meituanId}/${type}`]));
    const paidUrl = `${system.url}/api/orders/intake/pushes/meituan/${meituanId}/paid`;
    await connected.getByLabel('推送已支付订单', { exact: true }).waitFor();
    await connected.getByRole('button', { name: '复制推送已支付订单的地址' }).click();
    await connected.getByRole('status').filter({ hasText: '已复制。' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(paidUrl);
    // The card keeps them, with the app's key and store as Meituan names them.
    await card.getByRole('definition').filter({ hasText: meituan.appPoiCode }).waitFor();
    await expect(card.locator('.callback-urls input').count()).resolves.toBe(MEITUAN_PUSH_TYPES.length);

    // Meituan's own sample push, signed with the secret given, through the real receive path.
    await card.getByRole('button', { name: '向 美团 花间小店 发送测试推送' }).click();
    const outcome = card.locator('.test-outcome[data-outcome="tested"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('测试推送：签名校验通过（测试：未读取，未下单）。 同样签名的真实推送会被接收。');
    await card.locator('table.deliveries tr[data-outcome="tested"]').getByText('petalpost/test').waitFor();
    // Folded on the card, a click (or Enter) away.
    await card.getByText('需要粘贴的 8 个回调地址').focus();
    await page.keyboard.press('Enter');
    await card.getByRole('textbox', { name: '推送已支付订单' }).waitFor();
    await expectAccessible(page, 'shop systems with a Meituan store');
    await scrollToTop(page, 'article.connection[data-platform="meituan"]');
    await screenshot(page, 'intake-meituan');
  });

  it('edits how the Meituan store’s buyer notes are read, refusing a number that is not whole', async () => {
    const card = zhPage.locator('article.connection[data-platform="meituan"]');
    await card.getByRole('button', { name: '买家备注规则' }).click();
    const rules = card.getByRole('form', { name: '如何读取买家备注' });
    await rules.getByLabel('贺卡内容前的词语，每行一个').fill('贺卡\n祝福卡，卡片');
    await rules.getByLabel('“尽快送达”的订单在多少分钟内送达').fill('90');
    await rules.getByLabel('未给出有效期的隐私号在配送时段后保留（小时）').fill('三');
    await rules.getByRole('button', { name: '保存规则' }).click();
    await rules.getByRole('alert').getByText('小时数请填写整数。').waitFor();
    expect((await connectionOf(meituanId))?.rules).toBeUndefined();

    await rules.getByLabel('未给出有效期的隐私号在配送时段后保留（小时）').fill('4');
    await rules.getByRole('button', { name: '保存规则' }).click();
    await rules.getByRole('status').getByText('规则已保存：之后的订单按新规则读取。').waitFor();
    expect((await connectionOf(meituanId))?.rules).toEqual({ cardMarkers: ['贺卡', '祝福卡', '卡片'], asapMinutes: 90, privacyNumberHours: 4 });
    await expectAccessible(zhPage, 'buyer-note rules');
  });

  it('connects an Ele.me store by keyboard, with its one callback address, and its test push is verified', async () => {
    enPage = await open('en', '/intake');
    const page = enPage;
    const form = page.getByRole('form', { name: 'Connect a shop' });
    // The platform picker is one radio group: arrows move along it, as in any form.
    await form.getByRole('radio', { name: 'Shopify' }).focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await form.getByRole('radio', { name: 'Ele.me 饿了么零售' }).isChecked()).toBe(true);
    const source = String(randomInt(10_000, 99_999));
    await form.getByLabel('Name shown here').fill('Ele.me store');
    await form.getByLabel(/^source/).fill(source);
    await form.getByLabel(/^secret/).fill('8f2c1d9e7b6a5f4e3d2c1b0a');
    await form.getByLabel(/^shop_id/).fill('3266419');
    await page.keyboard.press('Enter');

    const connected = page.locator('section.connected');
    await connected.getByRole('heading', { name: 'Ele.me store is connected.' }).waitFor();
    const card = page.locator('article.connection[data-platform="eleme"]');
    const elemeId = await card.getAttribute('data-connection-id');
    expect(await connected.getByRole('textbox', { name: 'Callback address', exact: true }).inputValue()).toBe(
      `${system.url}/api/orders/intake/pushes/eleme/${elemeId}`,
    );
    await connected.getByText('In the Ele.me 零售 open platform, your app’s push address (推送地址): paste this address, exactly as shown.').waitFor();

    await card.getByRole('button', { name: 'Send a test push to Ele.me store' }).click();
    const outcome = card.locator('.test-outcome[data-outcome="tested"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('Test push: Signature verified (test: not read, nothing placed). A real push signed like it is taken.');
    // Both stores are on the page, the Meituan one with its eight addresses.
    await page.locator('article.connection[data-platform="meituan"]').waitFor();
    await expectAccessible(page, 'shop systems with two platforms');
    await scrollToTop(page, 'article.connection[data-platform="eleme"]');
    await screenshot(page, 'intake-platforms');
  });

  it('shows a Meituan order’s push, the confirmation Meituan refused until it was given up, and sends it when the owner retries', async () => {
    const externalRef = `2706${Date.now() % 1_000_000_000}`;
    const paidUrl = `${system.url}/api/orders/intake/pushes/meituan/${meituanId}/paid`;
    const slot = new Date(Date.now() + 3 * 3_600_000);
    const sent = await meituan.sendPush({ url: paidUrl, params: meituanPaidOrder(externalRef, meituan.appPoiCode, slot) });
    expect({ status: sent.status, text: sent.text }).toEqual({ status: 200, text: '{"data":"ok"}' });
    const orderId = await eventually(
      async () => {
        const { body } = await asOwner('GET', `/intake/connections/${meituanId}/deliveries?limit=20`);
        const placed = (body.deliveries as Array<Record<string, string>>).find((d) => d.externalRef === externalRef && d.outcome === 'placed');
        expect(placed?.orderId).toEqual(expect.any(String));
        return placed!.orderId;
      },
      30_000,
      200,
    );

    // Meituan is down while the owner accepts: the confirmation is tried, then given up.
    meituan.refuseNext(MAX_ATTEMPTS, (c) => c.path === 'order/confirm' && c.params.order_id === externalRef);
    expect((await asOwner('POST', `/orders/${orderId}/accept`, {})).status).toBe(200);
    await eventually(
      async () => {
        const { body } = await asOwner('GET', `/intake/connections/${meituanId}/writebacks`);
        expect((body.writebacks as Array<Record<string, string>>).map((w) => [w.status, w.state])).toEqual([['confirmed', 'dead']]);
      },
      30_000,
      200,
    );

    const page = zhPage;
    await page.reload();
    const card = page.locator('article.connection[data-platform="meituan"]');
    // The push that made the order, opening it.
    await card
      .locator('table.deliveries tr[data-outcome="placed"]')
      .getByRole('link', { name: `打开订单 ${externalRef}` })
      .waitFor();
    const told = card.locator('table.latest-writebacks tr[data-status="confirmed"][data-state="dead"]');
    await told.getByText('已放弃').waitFor();
    await told.getByText(/700/).first().waitFor();
    const writebackId = await told.getAttribute('data-writeback-id');
    await expectAccessible(page, 'a write-back given up');
    await scrollToTop(page, 'article.connection[data-platform="meituan"] table.deliveries');
    await screenshot(page, 'intake-writebacks');

    await told.getByRole('button', { name: `重试${externalRef}的“已接单”` }).click();
    // Tried again at once: no longer given up.
    await card.locator(`tr[data-writeback-id="${writebackId}"]:not([data-state="dead"])`).waitFor();
    await eventually(
      async () => {
        const { body } = await asOwner('GET', `/intake/connections/${meituanId}/writebacks`);
        expect((body.writebacks as Array<Record<string, string>>).map((w) => [w.status, w.state])).toEqual([['confirmed', 'done']]);
      },
      30_000,
      200,
    );
    await page.reload();
    await card.locator('table.latest-writebacks tr[data-status="confirmed"][data-state="done"]').getByText('已回传').waitFor();
    expect(meituan.writebacks().filter((w) => w.params.order_id === externalRef)).toEqual([
      { path: 'order/confirm', method: 'GET', params: { order_id: externalRef } },
    ]);
  });

  it('holds a Meituan order whose note could be read two ways, and staff place it with the card and the sender as they read it', async () => {
    const externalRef = `2707${Date.now() % 1_000_000_000}`;
    const paidUrl = `${system.url}/api/orders/intake/pushes/meituan/${meituanId}/paid`;
    const slot = new Date(Date.now() + 3 * 3_600_000);
    // "Do not keep it anonymous" next to a card: read two ways, never guessed.
    const caution = '不要匿名；贺卡：新婚快乐';
    await meituan.sendPush({ url: paidUrl, params: meituanPaidOrder(externalRef, meituan.appPoiCode, slot, { caution }) });

    const page = zhPage;
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^待处理/ })
      .click();
    const held = page.locator(`li.held[data-reason="unclear_note"]`, { hasText: externalRef });
    await held.getByText('买家备注有两种理解（贺卡或匿名）').waitFor();
    // Known to staff by Meituan's number for it, as the buyer sees it.
    const ref = (await held.getByRole('heading', { level: 2 }).textContent()) ?? '';
    await held.getByRole('button', { name: `补全并下单 ${ref}` }).click();
    const form = held.getByRole('form', { name: `为 ${ref} 下单` });
    await form.getByLabel('贺卡留言').fill('新婚快乐');
    expect(await form.getByLabel('匿名赠送（不署订花人姓名）').isChecked()).toBe(false);
    await expectAccessible(page, 'an unclear note to place');
    await form.getByRole('button', { name: '下单', exact: true }).click();
    await page.getByRole('status').getByText(`${ref} 已下单。`).waitFor();

    const href = await page.getByRole('status').getByRole('link', { name: '打开订单', exact: true }).getAttribute('href');
    const orderId = href?.split('/').pop();
    const order = await asOwner('GET', `/orders/${orderId}`);
    expect(order.body).toMatchObject({ cardMessage: '新婚快乐', anonymousSender: false });
  });
  it('connects a WeChat Store by its AppID, AppSecret, Token and EncodingAESKey, gives the one URL WeChat checks, and its encrypted test push is verified', async () => {
    const page = zhPage;
    await page.goto('/intake');
    const form = page.getByRole('form', { name: '连接店铺' });
    await form.getByRole('radio', { name: '微信小店' }).check();
    // WeChat's own names, and no shop field: the app is the store.
    await form.getByLabel('显示名称').fill('微信小店 花间');
    await form.getByLabel(/^AppID/).fill(wechat.appId);
    await form.getByLabel(/^AppSecret/).fill(wechat.appSecret);
    await form.getByLabel(/^Token/).fill(wechat.pushToken);
    await form.getByLabel(/^EncodingAESKey/).fill(wechat.encodingAesKey);
    // Its AppSecret is for the API: a push that does not verify is the Token's, not the AppSecret's.
    await form.getByText('用于获取微信接口的 access_token；推送由 Token 签名').waitFor();
    await expect(form.getByLabel(/^(门店 app_poi_code|shop_id|kdt_id|access_token)/).count()).resolves.toBe(0);
    await form.getByRole('button', { name: '连接', exact: true }).click();

    const connected = page.locator('section.connected');
    await connected.getByRole('heading', { name: '微信小店 花间 已连接。' }).waitFor();
    const card = page.locator('article.connection[data-platform="wechat"]');
    const wechatId = await card.getAttribute('data-connection-id');
    const url = `${system.url}/api/orders/intake/pushes/wechat/${wechatId}`;
    await expect(connected.locator('.callback-urls input').count()).resolves.toBe(1);
    expect(await connected.getByRole('textbox', { name: '回调地址', exact: true }).inputValue()).toBe(url);
    await connected.getByText('URL 填此地址，Token 和 EncodingAESKey 与此处填写的一致', { exact: false }).waitFor();
    // Saved in WeChat's console, the address is checked by WeChat with the Token: it answers the echo.
    const check = await wechat.checkUrl(url);
    expect({ status: check.status, text: check.text }).toEqual({ status: 200, text: check.echostr });
    await card.getByRole('definition').filter({ hasText: wechat.appId }).waitFor();

    // WeChat's order-paid event, encrypted with the EncodingAESKey and signed with the Token, through the real receive path.
    await card.getByRole('button', { name: '向 微信小店 花间 发送测试推送' }).click();
    const outcome = card.locator('.test-outcome[data-outcome="tested"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('测试推送：签名校验通过（测试：未读取，未下单）。 同样签名的真实推送会被接收。');
    await card.locator('table.deliveries tr[data-outcome="tested"]').getByText('petalpost/test').waitFor();
    const shown = await everythingShown(page);
    for (const secret of [wechat.appSecret, wechat.pushToken, wechat.encodingAesKey]) expect(shown).not.toContain(secret);
    await expectAccessible(page, 'shop systems with a WeChat Store');
  });

  it('connects a Youzan shop by its client_id, client_secret and kdt_id, with its one push URL, and its test push is verified', async () => {
    const page = enPage;
    await page.goto('/intake');
    const form = page.getByRole('form', { name: 'Connect a shop' });
    await form.getByRole('radio', { name: 'Youzan 有赞' }).check();
    await form.getByLabel('Name shown here').fill('Youzan shop');
    await form.getByLabel(/^client_id/).fill(youzan.clientId);
    await form.getByLabel(/^client_secret/).fill(youzan.clientSecret);
    await form.getByLabel(/^kdt_id/).fill(youzan.kdtId);
    await form.getByRole('button', { name: 'Connect', exact: true }).click();

    const connected = page.locator('section.connected');
    await connected.getByRole('heading', { name: 'Youzan shop is connected.' }).waitFor();
    const card = page.locator('article.connection[data-platform="youzan"]');
    const youzanId = await card.getAttribute('data-connection-id');
    await expect(connected.locator('.callback-urls input').count()).resolves.toBe(1);
    expect(await connected.getByRole('textbox', { name: 'Callback address', exact: true }).inputValue()).toBe(
      `${system.url}/api/orders/intake/pushes/youzan/${youzanId}`,
    );
    await connected.getByText('In Youzan Cloud (有赞云), your app’s message push (消息推送): this address as the push URL', { exact: false }).waitFor();
    await card.getByRole('definition').filter({ hasText: youzan.kdtId }).waitFor();

    // Youzan's trade-paid message, signed MD5(client_id + msg + client_secret), through the real receive path.
    await card.getByRole('button', { name: 'Send a test push to Youzan shop' }).click();
    const outcome = card.locator('.test-outcome[data-outcome="tested"]');
    await outcome.waitFor();
    expect(await outcome.textContent()).toBe('Test push: Signature verified (test: not read, nothing placed). A real push signed like it is taken.');
    expect(await everythingShown(page)).not.toContain(youzan.clientSecret);
    await expectAccessible(page, 'shop systems with a Youzan shop');
  });
});
