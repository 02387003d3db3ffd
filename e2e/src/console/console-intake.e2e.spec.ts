import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { uniqueName } from '@petalpost/testing';
import { sendShopifyWebhook } from '@petalpost/testing/shop-platforms';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleSystem, expectAccessible, type Locale, screenshot, type Shop, signInAs, startConsoleSystem } from './harness';

const TIME_ZONE = 'Asia/Shanghai';

/** The shop's date some days from now: a delivery date that is ahead whenever the test runs. */
function shopDateIn(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now() + days * 86_400_000);
}

/**
 * An order as Shopify's orders/create webhook carries it (REST-shaped, snake_case), with the
 * delivery date and time where the Zapiet delivery-date app puts them (note attributes
 * Delivery-Date and Delivery-Time) and the card message where Giftnote does. Left without a
 * date, it is what an order from a shop without a delivery-date app looks like.
 */
function shopifyOrder(o: { id: number; name: string; recipient: string; date?: string }) {
  const now = new Date().toISOString();
  const address = {
    name: o.recipient,
    first_name: o.recipient,
    last_name: '',
    address1: '常德路 800 号 3 号楼 1202 室',
    address2: null,
    city: '上海市',
    province: '上海市',
    zip: '200040',
    country: 'China',
    country_code: 'CN',
    phone: '13887654321',
    latitude: 31.2326,
    longitude: 121.4422,
  };
  return {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    name: o.name,
    order_number: Number(o.name.replace(/\D/g, '')),
    created_at: now,
    updated_at: now,
    processed_at: now,
    cancelled_at: null,
    cancel_reason: null,
    currency: 'CNY',
    presentment_currency: 'CNY',
    total_price: '299.00',
    subtotal_price: '299.00',
    financial_status: 'paid',
    fulfillment_status: null,
    email: 'wang.fang@example.com',
    contact_email: 'wang.fang@example.com',
    phone: null,
    note: null,
    tags: '',
    customer: { id: 7_000_001, first_name: '芳', last_name: '王', email: 'wang.fang@example.com', phone: '13912345678' },
    billing_address: { ...address, name: '王芳', first_name: '芳', last_name: '王', phone: '13912345678' },
    shipping_address: address,
    line_items: [{ id: o.id * 10 + 1, title: 'Eleven red roses', name: 'Eleven red roses', sku: 'ROSE-11', quantity: 1, price: '299.00', properties: [] }],
    note_attributes: [
      ...(o.date
        ? [
            { name: 'Checkout-Method', value: 'delivery' },
            { name: 'Delivery-Date', value: o.date },
            { name: 'Delivery-Time', value: '10:00 - 12:00' },
          ]
        : []),
      { name: 'giftnote_message', value: '生日快乐 Happy birthday' },
    ],
    shipping_lines: [{ code: 'Local Delivery', title: 'Local Delivery', source: 'shopify', price: '0.00' }],
  };
}

/**
 * A small day of phone orders as a counter's sheet has them; the "Phone" column is one the import
 * does not guess. Cells with a separator in them are quoted (the import also reads `;` as one).
 */
function daySheet(date: string): { csv: string; refs: string[] } {
  const tag = uniqueName('T').toUpperCase().replace(/_/g, '-');
  const refs = [`${tag}-1`, `${tag}-2`, `${tag}-3`];
  const rows = [
    ['Order number', 'Buyer', 'Phone', 'Recipient', 'Recipient phone', 'Address', 'Delivery date', 'Delivery time', 'Items', 'Card message'],
    [refs[0], '王芳', '13912345678', '李娜', '13887654321', '上海市静安区常德路 800 号', date, '10:00-12:00', '1 x Eleven red roses', '生日快乐'],
    [refs[1], 'Emily Chen', '13911112222', 'Tom Walker', '13833334444', '上海市静安区南京西路 1266 号', date, '14:00-16:00', '2 x Sunflowers; Vase', ''],
    // A date nobody can read: reported with its row, the rest still import.
    [refs[2], '赵磊', '13955556666', '陈静', '13877778888', '上海市徐汇区衡山路 10 号', '31/31/2026', '10:00-12:00', '1 x Lilies', ''],
    // The first row again: already imported, so not twice.
    [refs[0], '王芳', '13912345678', '李娜', '13887654321', '上海市静安区常德路 800 号', date, '10:00-12:00', '1 x Eleven red roses', '生日快乐'],
  ];
  return { csv: rows.map((r) => r.map((cell) => (/[",;\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join('\n') + '\n', refs };
}

/**
 * The intake screens, walked in the browser over the real gateway and services: staff connect a
 * Shopify shop and an order Shopify would send (signed as Shopify signs, sent by this test, since
 * Shopify itself cannot reach a test machine) becomes an order; an order without a delivery date
 * waits in "needs attention" until staff complete it; a counter's CSV is imported with its
 * preview, progress and report. One system for the whole file.
 */
describe('orders from the shop’s own systems, in the console', () => {
  let system: ConsoleSystem;
  let shop: Shop;
  const contexts: BrowserContext[] = [];
  const open = async (locale: Locale, email: string, path: string): Promise<Page> => {
    const context = await system.newContext(locale);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(path);
    await signInAs(page, email);
    return page;
  };

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花语小铺 Intake');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await system?.stop();
  });

  it('staff connect a Shopify shop, test its webhook, and an order Shopify sends shows in the last deliveries and on its own page', async () => {
    const page = await open('en', shop.owner.email, '/intake');
    const domain = `${uniqueName('petals').replace(/_/g, '-')}.myshopify.com`;
    const secret = randomBytes(32).toString('hex');

    const form = page.getByRole('form', { name: 'Connect a shop' });
    await form.getByLabel('Name shown here').fill('Petal Corner web shop');
    await form.getByLabel('Shop domain').fill(`https://${domain}/admin`);
    await form.getByLabel('Secret', { exact: true }).fill(secret);
    await form.getByRole('button', { name: 'Connect', exact: true }).click();
    const webhookUrl = await page.getByLabel('Webhook address', { exact: true }).inputValue();
    expect(webhookUrl).toBe(`${system.url}/api/orders/intake/shopify/webhooks`);

    const card = page.locator('article.connection', { hasText: 'Petal Corner web shop' });
    await card.getByText(domain, { exact: true }).waitFor();
    // The test sends a signed sample through the real webhook path: verified and mapped, nothing placed.
    await card.getByRole('button', { name: 'Test the webhook of Petal Corner web shop' }).click();
    // Its answer, or the refusal that came instead.
    const answered = card.locator('.test-outcome[data-outcome="tested"], [role="alert"]').first();
    await answered.waitFor();
    await expect(answered.textContent()).resolves.toBe(
      'Test delivery: Signature verified and mapped (test, nothing placed). A real order like it would be placed.',
    );

    // Shopify sends a new order, signed with the shop's key.
    const recipient = 'Tom Walker';
    const sent = await sendShopifyWebhook({
      url: webhookUrl,
      secret,
      shopDomain: domain,
      topic: 'orders/create',
      payload: shopifyOrder({ id: 5_100_000_001, name: '#1001', recipient, date: shopDateIn(1) }),
    });
    expect(sent.status).toBe(200);

    // Its delivery shows with its outcome, without a reload, and leads to the order.
    const delivery = card.locator('tr[data-outcome="placed"]', { hasText: '5100000001' });
    await delivery.waitFor();
    await expectAccessible(page, 'intake connections');
    await screenshot(page, 'intake');
    await delivery.getByRole('link').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page.locator('.order-page').getByText(recipient).first().waitFor();

    // A rotation shows the new secret once, the old one still accepted for a while.
    await page.goBack();
    await card.getByRole('button', { name: 'Rotate secret' }).click();
    await card.getByLabel('New signing secret').waitFor();
    await card.getByText(/The previous secret is still accepted until/).waitFor();

    // The write-backs tab, empty on a new shop.
    await page.getByRole('tab', { name: 'Status written back' }).click();
    await page.getByText('Nothing has been given up.').waitFor();
    await expectAccessible(page, 'intake write-backs');
  }, 120_000);

  it('an order without a delivery date waits in “needs attention”, counted in the navigation, until staff give the date and place it (in zh-CN)', async () => {
    const domain = `${uniqueName('blooms').replace(/_/g, '-')}.myshopify.com`;
    const secret = randomBytes(32).toString('hex');
    const connected = await system.call('orders', 'POST', '/intake/connections', {
      token: shop.owner.token,
      body: { platform: 'shopify', label: 'Blooms', shopDomain: domain, webhookSecret: secret, timeZone: TIME_ZONE },
    });
    expect(connected.status).toBe(201);

    const page = await open('zh-CN', shop.staff.email, '/attention');
    await page.getByRole('heading', { level: 1, name: '待处理' }).waitFor();
    const recipient = '赵磊';
    const sent = await sendShopifyWebhook({
      url: connected.body.webhookUrl as string,
      secret,
      shopDomain: domain,
      topic: 'orders/create',
      payload: shopifyOrder({ id: 5_100_000_002, name: '#1002', recipient }),
    });
    expect(sent.status).toBe(200);

    // Staff are alerted: the list and the navigation's count change while the page stays open.
    const held = page.locator('li.held', { hasText: '#1002' });
    await held.waitFor();
    await expect(held.getAttribute('data-reason')).resolves.toBe('missing_delivery_date');
    await held.getByText('缺少配送日期').waitFor();
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /待处理.*1 个订单待处理/ })
      .waitFor();
    await expectAccessible(page, 'attention');
    await screenshot(page, 'attention');

    await held.getByRole('button', { name: '补全并下单 #1002' }).click();
    const placeForm = held.getByRole('form', { name: '为 #1002 下单' });
    await placeForm.getByLabel('配送日期').fill(shopDateIn(1));
    await placeForm.getByLabel('开始时间').fill('10:00');
    await placeForm.getByLabel('结束时间').fill('12:00');
    await expectAccessible(page, 'attention, completing');
    await placeForm.getByRole('button', { name: '下单', exact: true }).click();

    await page.getByText('#1002 已下单。').waitFor();
    await held.waitFor({ state: 'detached' });
    await page.getByText('没有待处理的订单。').waitFor();
    await expect(page.locator('.nav-badge').count()).resolves.toBe(0);
    await page.getByRole('link', { name: '打开订单' }).click();
    await page.locator('.order-page').getByText(recipient).first().waitFor();
  }, 120_000);

  it('a counter’s CSV is imported: the preview of the mapping, a column mapped by hand, the progress, and a per-row report to download', async () => {
    const page = await open('en', shop.staff.email, '/import');
    const { csv, refs } = daySheet(shopDateIn(2));
    await page.getByLabel('CSV file').setInputFiles({ name: 'phone-orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and preview' }).click();

    // The preview: each column with the field it fills, the first rows as read.
    const preview = page.locator('table.import-preview');
    await preview.locator('tr[data-line="4"][data-outcome="rejected"]').waitFor();
    await expect(page.getByLabel('Field for column Order number').inputValue()).resolves.toBe('externalRef');
    // "Phone" could be anyone's: the import leaves it to staff, who know it is the buyer's.
    await expect(page.getByLabel('Field for column Phone').inputValue()).resolves.toBe('');
    await page.getByLabel('Field for column Phone').selectOption({ label: 'Buyer’s phone' });
    await expectAccessible(page, 'import preview');
    await preview.scrollIntoViewIfNeeded();
    await screenshot(page, 'import-preview');
    await page.getByRole('button', { name: 'Start the import' }).click();

    // The progress, then the report with each row's outcome.
    await page.locator('progress').waitFor();
    await page.locator('[data-import-status="finished"]').waitFor();
    const report = page.locator('table.import-report');
    await report.locator('tr[data-line]').first().waitFor();
    const outcomes = await report
      .locator('tr[data-line]')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((r) => [r.getAttribute('data-line'), `${r.getAttribute('data-outcome')} ${r.querySelector('td:nth-of-type(3)')?.textContent ?? ''}`.trim()]),
        ),
      );
    expect(outcomes).toEqual({
      2: 'imported',
      3: 'imported',
      4: expect.stringMatching(/^rejected deliveryDate/),
      5: expect.stringMatching(/^duplicate/),
    });
    await expect(page.locator('[data-count="imported"]').textContent()).resolves.toBe('2');
    await expectAccessible(page, 'import report');
    await page.locator('[data-import-status="finished"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'import');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the report (CSV)' }).click()]);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text).toContain('rejected');
    expect(text.split(/\r?\n/).filter(Boolean).length).toBe(5);

    // The imported orders are the shop's orders, with the sheet's references.
    const imported = report.locator('tr[data-outcome="imported"]').first();
    await imported.getByRole('link').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await page
      .locator('.order-page')
      .getByText(new RegExp(`${refs[0]}|${refs[1]}`))
      .first()
      .waitFor();
  }, 120_000);

  it('the screens in the other language, each accessible', async () => {
    const zh = await open('zh-CN', shop.owner.email, '/intake');
    await zh.locator('article.connection').first().waitFor();
    await expectAccessible(zh, 'intake connections');
    await screenshot(zh, 'intake');
    await zh.goto('/import');
    await zh.getByRole('heading', { level: 1, name: '从文件导入订单' }).waitFor();
    await expectAccessible(zh, 'import');
    await screenshot(zh, 'import');
    const en = await open('en', shop.staff.email, '/attention');
    await en.getByText('Nothing needs attention.').waitFor();
    await expectAccessible(en, 'attention');
    await screenshot(en, 'attention');
  }, 60_000);
});
