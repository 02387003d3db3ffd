import { eventually, uniqueName } from '@petalpost/testing';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { type ConsoleSystem, expectAccessible, LOCALES, type Locale, phoneOrder, screenshot, type Shop, signInAs, startConsoleSystem } from './harness';

/** The words on the console's buttons and fields that the day's people use, in each language. */
const WORDS = {
  'zh-CN': {
    nav: { exceptions: '异常', analytics: '分析' },
    form: {
      buyerName: '订花人姓名',
      buyerPhone: '订花人电话',
      reference: '店内单号（选填）',
      recipientName: '收花人姓名',
      recipientPhone: '收花人电话（选填）',
      address: '地址',
      lat: '纬度',
      lng: '经度',
      what: '品名',
      card: '贺卡留言',
      price: '价格（CNY，选填）',
      submit: '提交订单',
    },
    accept: '接单',
    acceptSubmit: '确认接单',
    start: (reference: string) => `开始制作 ${reference}`,
    photo: (reference: string) => `为 ${reference} 拍摄花束照片`,
    photoAlt: (reference: string) => `${reference} 的花束照片`,
    finish: (reference: string) => `完成 ${reference}`,
    apply: '应用计划',
    acknowledge: '确认',
    decision: '处理决定',
    resolve: '解决',
    reportedOne: '此期间共上报 1 个异常。',
    bouquet: '11 枝红玫瑰',
    cardText: '祝外婆八十大寿生日快乐！',
  },
  en: {
    nav: { exceptions: 'Exceptions', analytics: 'Analytics' },
    form: {
      buyerName: "Buyer's name",
      buyerPhone: "Buyer's phone",
      reference: 'Shop reference (optional)',
      recipientName: "Recipient's name",
      recipientPhone: "Recipient's phone (optional)",
      address: 'Address',
      lat: 'Latitude',
      lng: 'Longitude',
      what: 'What',
      card: 'Card message',
      price: 'Price in CNY (optional)',
      submit: 'Place order',
    },
    accept: 'Accept order',
    acceptSubmit: 'Accept',
    start: (reference: string) => `Start ${reference}`,
    photo: (reference: string) => `Take arrangement photo for ${reference}`,
    photoAlt: (reference: string) => `Arrangement photo of ${reference}`,
    finish: (reference: string) => `Finish ${reference}`,
    apply: 'Apply plan',
    acknowledge: 'Acknowledge',
    decision: 'Decision',
    resolve: 'Resolve',
    reportedOne: '1 exceptions reported in the period.',
    bouquet: 'Eleven red roses',
    cardText: 'Happy 80th birthday, Grandma!',
  },
} as const;

/** A small photo, as a tablet's or a phone's camera would hand it over. */
const photo = (colour: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();

/** Marks the page, so that a reload (which would drop the mark) is seen. */
const markPage = (page: Page) => page.evaluate('window.stillTheSamePage = true');
const stillTheSamePage = (page: Page) => page.evaluate('window.stillTheSamePage === true');

/**
 * The day, walked as the shop's people would in the browser, over the real gateway and
 * services: the counter takes a phone order, the florist makes it, the dispatcher plans it, the
 * rider takes it away and reports a damaged bouquet, the dispatcher deals with that, and the
 * owner sees it in the analytics. Each person has their own browser; nobody reloads.
 */
describe('a day at the shop, in the console', () => {
  let system: ConsoleSystem;

  beforeAll(async () => {
    system = await startConsoleSystem();
  }, 180_000);
  afterAll(async () => {
    await system?.stop();
  });

  describe.each(LOCALES)('in %s', (locale: Locale) => {
    const words = WORDS[locale];
    let shop: Shop;
    const contexts: BrowserContext[] = [];
    const open = async (email: string, path: string) => {
      const context = await system.newContext(locale);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(path);
      await signInAs(page, email);
      return page;
    };

    beforeAll(async () => {
      // Each language's day has its own shop, so the two walks never see each other's orders.
      shop = await system.makeShop(locale === 'zh-CN' ? '花语小铺 静安店' : 'Petal Corner, Jing’an');
      // The owner plans hourly slots: the counter picks the window from the free ones.
      const slots = await system.call('orders', 'PUT', `/shops/${shop.shopId}/delivery-slots`, {
        token: shop.owner.token,
        body: { timeZone: 'Asia/Shanghai', slotMinutes: 60, capacity: 20 },
      });
      expect(slots.status).toBe(200);
      // An earlier order of the day, taken and accepted before the walk: the walk's order is not the shop's first.
      const earlier = await system.call('orders', 'POST', '/orders', {
        token: shop.owner.token,
        body: phoneOrder(locale === 'zh-CN' ? '陈静' : 'Emily Chen', uniqueName('AM').toUpperCase().replace('_', '-')),
      });
      expect(earlier.status).toBe(201);
      const accepted = await system.call('orders', 'POST', `/orders/${earlier.body.orderId as string}/accept`, { token: shop.owner.token, body: {} });
      expect(accepted.status).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await Promise.all(contexts.map((context) => context.close()));
    });

    it('an order goes from the phone to the florist, the dispatcher and the rider, and a damaged bouquet is dealt with, all seen live', async () => {
      const reference = uniqueName(locale === 'zh-CN' ? 'HY' : 'PC')
        .toUpperCase()
        .replace('_', '-');
      const recipient = locale === 'zh-CN' ? '赵磊' : 'Tom Walker';

      // The counter: the board on one tab, the phone order on another. The florist and the dispatcher have their screens open.
      const [board, florist, dispatcher] = await Promise.all([
        open(shop.owner.email, '/orders'),
        open(shop.florist.email, '/production'),
        open(shop.dispatcher.email, '/dispatch'),
      ]);
      const counter = await board.context().newPage();
      await Promise.all([board, florist, dispatcher].map(markPage));

      // Staff take the order over the phone.
      await counter.goto('/orders/new');
      const field = (label: string) => counter.getByLabel(label, { exact: true });
      await field(words.form.buyerName).fill('王芳 Wang Fang');
      await field(words.form.buyerPhone).fill('139 1234 5678');
      await field(words.form.reference).fill(reference);
      await field(words.form.recipientName).fill(recipient);
      await field(words.form.recipientPhone).fill('138 8765 4321');
      await field(words.form.address).fill('上海市静安区常德路 800 号 3 号楼 1202 室');
      // The pin, typed: the keyboard's way to drop it where the rider must go.
      await field(words.form.lat).fill('31.2326');
      await field(words.form.lng).fill('121.4422');
      // The last free slot of the day: still ahead whenever the test runs.
      await counter.getByRole('radio').last().check();
      await field(words.form.what).fill(words.bouquet);
      await field(words.form.card).fill(words.cardText);
      await field(words.form.price).fill('299');
      await expectAccessible(counter, 'new order');
      await screenshot(counter, 'new-order');
      await counter.getByRole('button', { name: words.form.submit, exact: true }).click();
      await counter.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
      const orderId = counter.url().split('/').pop()!;
      await markPage(counter);

      const card = board.locator(`article[data-order-id="${orderId}"]`);
      /** The counter's two tabs both show the order in this status, each having followed the stream. */
      const staffSee = async (status: string) => {
        await board.locator(`article[data-order-id="${orderId}"][data-status="${status}"]`).waitFor();
        await counter.locator(`.order-page[data-order-id="${orderId}"] header [data-status="${status}"]`).waitFor();
      };
      await staffSee('placed');
      await expectAccessible(counter, 'order');

      // Staff accept it; the florist's queue shows it without a reload. (How soon is a benchmark's
      // figure, measured on a quiet machine: BENCH_SECTIONS=console npm run bench.)
      await counter.getByRole('button', { name: words.accept, exact: true }).click();
      await counter.getByRole('dialog').getByRole('button', { name: words.acceptSubmit, exact: true }).click();
      await counter.locator(`.order-page[data-order-id="${orderId}"] header [data-status="accepted"]`).waitFor();
      const inQueue = florist.locator(`article[data-order-id="${orderId}"]`);
      await inQueue.waitFor();
      await staffSee('accepted');
      // The card's words are opened after the card itself shows: wait for them (one match, strictly).
      await inQueue.getByText(words.cardText).waitFor();

      // The florist makes it, photographs it from the tablet and finishes it.
      await florist.getByRole('button', { name: words.start(reference), exact: true }).click();
      await florist.locator(`article[data-order-id="${orderId}"][data-status="in_production"]`).waitFor();
      await staffSee('in_production');
      await florist
        .getByLabel(words.photo(reference), { exact: true })
        .setInputFiles({ name: 'arrangement.jpg', mimeType: 'image/jpeg', buffer: await photo('#c2185b') });
      await florist.getByRole('img', { name: words.photoAlt(reference), exact: true }).waitFor();
      await expectAccessible(florist, 'production');
      await screenshot(florist, 'production');
      await florist.getByRole('button', { name: words.finish(reference), exact: true }).click();
      await florist.locator(`article[data-order-id="${orderId}"][data-status="ready"]`).waitFor();
      await staffSee('ready');

      // The finished arrangement sets off a plan; the dispatcher sees the order in it and applies it.
      const plan = dispatcher.locator('section.dispatch-plan');
      await plan.locator(`.dispatch-route [data-order-id="${orderId}"]`).waitFor({ timeout: 20_000 });
      await expectAccessible(dispatcher, 'dispatch');
      await screenshot(dispatcher, 'dispatch');
      await plan.getByRole('button', { name: words.apply, exact: true }).click();
      await plan.locator('[data-applied="true"]').waitFor();
      // The rider's name reaches the counter's page once the orders service has the assignment.
      await counter.locator('.order-header').getByText(shop.rider.displayName).waitFor({ timeout: 20_000 });

      // The rider scans the label's pickup code with the phone (the rider's app calls the API).
      const pickupCode = (await counter.locator('.order-header .code').textContent())!.trim();
      expect(pickupCode).toMatch(/^[2-9A-HJ-NP-Z]{5}$/);
      const pickup = await system.call('orders', 'POST', `/orders/${orderId}/pickup`, { token: shop.rider.token, body: { pickupCode } });
      expect(pickup.status).toBe(200);
      await staffSee('out_for_delivery');

      // On the way the bouquet is damaged: the rider reports it with a photo, where it happened.
      const form = new FormData();
      form.append('purpose', 'damage');
      form.append('file', new Blob([new Uint8Array(await photo('#5d4037'))], { type: 'image/jpeg' }), 'damage.jpg');
      const upload = await fetch(`${system.url}/api/messaging/orders/${orderId}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${shop.rider.token}` },
        body: form,
      });
      expect(upload.status).toBe(201);
      const { attachmentId } = (await upload.json()) as { attachmentId: string };
      // Messaging learns that the order is the rider's from the orders service's events, a moment after.
      const reported = await eventually(async () => {
        const answer = await system.call('messaging', 'POST', `/orders/${orderId}/exceptions`, {
          token: shop.rider.token,
          body: {
            details: { type: 'bouquet_damaged', photoRef: attachmentId, note: 'Box crushed at the crossing' },
            position: { lat: 31.2291, lng: 121.4438, accuracy: 8 },
          },
          headers: { 'idempotency-key': `report-${orderId}` },
        });
        expect(answer.status).toBe(201);
        return answer.body;
      });
      const exceptionId = reported.exceptionId as string;
      // The counter sees it on the board and on the order.
      await card.locator('.mark-exception').waitFor();
      await counter.locator('.order-header .exceptions').waitFor();

      // The dispatcher goes to the exceptions, sees the photo, acknowledges, and resolves with a new bouquet.
      await dispatcher.getByRole('navigation').getByRole('link', { name: words.nav.exceptions, exact: true }).click();
      const report = dispatcher.locator(`article[data-exception-id="${exceptionId}"]`);
      await report.locator('[data-status="reported"]').waitFor();
      await report.getByRole('img').waitFor();
      // Where the rider was, in figures (i18next once took a "lng" figure for a language, and showed the key).
      await report.getByText('31.22910').waitFor();
      expect(await report.textContent()).toContain('121.44380');
      await expectAccessible(dispatcher, 'exceptions');
      await screenshot(dispatcher, 'exceptions');
      await report.getByRole('button', { name: words.acknowledge, exact: true }).click();
      await report.locator('[data-status="acknowledged"]').waitFor();
      // The select's name is its label and the chosen option's words.
      await report.getByLabel(words.decision).selectOption('new_bouquet_made');
      await report.getByRole('button', { name: words.resolve, exact: true }).click();
      await report.locator('[data-status="resolved"]').waitFor();
      // Resolved, the order's flag clears for the counter too.
      await card.locator('.mark-exception').waitFor({ state: 'detached' });

      // The counter's board and order page followed the whole day without a reload.
      expect(await Promise.all([board, counter, florist, dispatcher].map(stillTheSamePage))).toEqual([true, true, true, true]);
      expect(await board.locator(`article[data-order-id="${orderId}"]`).count()).toBe(1);
      await expectAccessible(board, 'board');
      await screenshot(board, 'board');
      await screenshot(counter, 'order');

      // The owner finds the report in the analytics.
      await board.getByRole('navigation').getByRole('link', { name: words.nav.analytics, exact: true }).click();
      // One paragraph: the count, then how fast reports were acknowledged and resolved.
      await board.getByText(words.reportedOne).waitFor();
      await expectAccessible(board, 'analytics');
      await screenshot(board, 'analytics');
    }, 180_000);
  });
});
