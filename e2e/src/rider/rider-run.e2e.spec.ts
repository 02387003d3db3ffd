import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, eventually } from '@petalpost/testing';
import { create as createQr } from 'qrcode';
import sharp from 'sharp';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type ConsoleSystem, DEPOT, expectAccessible, PASSWORD, phoneOrder, type Shop, startConsoleSystem } from '../console/harness';

const repoRoot = join(__dirname, '..', '..', '..');
/** The rider's screens kept from each run (reports/ is not tracked); RIDER_SCREENS_DIR=docs/rider/screens refreshes the docs' set. */
const SCREENS_DIR = resolve(repoRoot, process.env.RIDER_SCREENS_DIR ?? join('reports', 'rider-screens'));
const PHONE = { width: 390, height: 844 } as const;

/**
 * A camera that films one QR code: a Y4M video (4:2:0) of the code, black on white, which Chromium
 * plays as the phone's camera (--use-file-for-fake-video-capture). The matrix is the `qrcode`
 * package's, the one the console prints labels with.
 */
async function qrCamera(text: string): Promise<string> {
  const qr = createQr(text, { errorCorrectionLevel: 'M' });
  const [width, height, scale, quiet] = [640, 480, 12, 4];
  const size = qr.modules.size;
  const left = Math.floor((width - size * scale) / 2);
  const top = Math.floor((height - size * scale) / 2);
  const luma = Buffer.alloc(width * height, 235);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [col, row] = [Math.floor((x - left) / scale), Math.floor((y - top) / scale)];
      if (col >= 0 && row >= 0 && col < size && row < size && qr.modules.get(row, col)) luma[y * width + x] = 16;
    }
  }
  expect(left).toBeGreaterThan(quiet * scale);
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const file = join(tmpdir(), `petalpost-qr-${text}-${process.pid}.y4m`);
  await writeFile(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 5 }, () => frame)]));
  return file;
}

const photo = (colour: string) =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();

/**
 * axe on the screen as a rider scrolled to its end: the tab bar sticks to the bottom of the
 * viewport, so mid-scroll it lies over whatever control passes under it (axe's target-size counts
 * that as obscured); at the end of the page it sits below the last control, as the rider sees it.
 */
async function accessible(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
  await expectAccessible(page, name);
}

/** The action is kept on the phone ("Saved"), or the screen says why not, which fails the test with its words. */
async function sentOrSaid(page: Page): Promise<void> {
  const saved = page.getByText('Saved — it is sent when the network allows.');
  const problem = page.locator('.problem');
  await saved.or(problem).first().waitFor();
  expect(await problem.allTextContents()).toEqual([]);
}

/**
 * Keeps the screen as <SCREENS_DIR>/<locale>-<name>-390x844.png, showing what it is named for:
 * `top` the screen as it opens, `full` the whole (short) page, or a CSS selector for the section
 * scrolled to the top of the viewport (the delivery choices, not the stop's header above them).
 */
async function shoot(page: Page, name: string, show: 'top' | 'full' | string = 'top'): Promise<void> {
  await mkdir(SCREENS_DIR, { recursive: true });
  const locale = (await page.locator('html').getAttribute('lang')) ?? 'unknown';
  if (show === 'top' || show === 'full') await page.evaluate('window.scrollTo(0, 0)');
  else {
    await page.locator(show).waitFor();
    await page.evaluate(`document.querySelector(${JSON.stringify(show)}).scrollIntoView({ block: 'start' }); window.scrollBy(0, -8)`);
  }
  await page.screenshot({
    path: join(SCREENS_DIR, `${locale}-${name}-${PHONE.width}x${PHONE.height}.png`),
    animations: 'disabled',
    fullPage: show === 'full',
    // The whole page as read to its end: the tab bar below the last card, not stuck halfway.
    ...(show === 'full' ? { style: '.tabs { position: static !important; }' } : {}),
  });
}

const PICKUP = '[aria-labelledby="pickup-title"]';
const DELIVERY = '[aria-labelledby="delivery-title"]';
const REPORT = '[aria-labelledby="report-title"]';

/**
 * A rider's run on a phone, against the real services through the gateway: the shop's orders are
 * planned onto the rider, who sees them in planned order, scans a label with the camera, delivers
 * to a neighbour with a photo, reports a problem that reaches the shop — and, in a tunnel, delivers
 * one and reports one more, which reach the shop once each and in order when the network returns.
 */
describe("the rider's app: the run, pickup, delivery, reports and the tunnel", () => {
  let system: ConsoleSystem;
  let shop: Shop;
  let browser: Browser;
  let phone: BrowserContext;
  let page: Page;
  const orderIds: string[] = [];
  const names = ['李娜 Li Na', '周杰 Zhou Jie', '吴芳 Wu Fang', '郑强 Zheng Qiang'];
  let planned: string[] = [];
  // Four doors along one street; the run's cards show the district, street and number alone.
  const addressOf = (i: number) => `上海市静安区常德路 ${800 + i * 40} 号 3 号楼 1202 室`;
  const streetOf = (orderId: string) => `静安区常德路 ${800 + orderIds.indexOf(orderId) * 40} 号`;
  const staff = (service: 'orders' | 'messaging' | 'dispatch', method: string, path: string, body?: unknown) =>
    system.call(service, method, path, { token: shop.owner.token, ...(body !== undefined ? { body } : {}) });
  const pickupCodeOf = async (orderId: string) => (await staff('orders', 'GET', `/orders/${orderId}`)).body.pickupCode as string;
  const stopCard = (orderId: string) => page.locator(`.run-stop[data-order-id="${orderId}"]`);
  const openStop = async (orderId: string, name: string) => {
    await page.getByRole('navigation').getByRole('link', { name: 'Today’s run', exact: true }).click();
    await stopCard(orderId).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
  };

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花间 Petal Lane');
    // Four orders for the afternoon, made and ready at the counter.
    for (const [i, name] of names.entries()) {
      const order = phoneOrder(name, `RUN-${i + 1}`);
      order.recipient.address.geo = { lat: 31.2326 + i * 0.004, lng: 121.4422 - i * 0.003 };
      order.recipient.address.text = addressOf(i);
      const placed = await staff(
        'orders',
        'POST',
        '/orders',
        i === 0 ? { ...order, recipient: { ...order.recipient, address: { ...order.recipient.address, notes: '门禁 1202# · gate code 1202#' } } } : order,
      );
      expect(placed.status).toBe(201);
      const orderId = placed.body.orderId as string;
      orderIds.push(orderId);
      for (const step of ['accept', 'production/start', 'production/finish'])
        expect((await staff('orders', 'POST', `/orders/${orderId}/${step}`, {})).status).toBe(200);
    }
    // Dispatch plans them onto the rider, and the dispatcher applies the plan (proposed again when
    // dispatch's own replanning, set off by the finished bouquets, made a newer one meanwhile).
    planned = await eventually(
      async () => {
        const proposed = await system.call('dispatch', 'POST', '/plans', { token: shop.dispatcher.token, body: {} });
        expect(proposed.status).toBe(201);
        const routes = proposed.body.routes as Array<{ riderId: string; trips: Array<{ stops: Array<{ orderId: string }> }> }>;
        const stops = routes.filter((r) => r.riderId === shop.rider.personId).flatMap((r) => r.trips.flatMap((t) => t.stops.map((s) => s.orderId)));
        expect([...stops].sort()).toEqual([...orderIds].sort());
        const applied = await system.call('dispatch', 'POST', `/plans/${proposed.body.planId as string}/apply`, { token: shop.dispatcher.token, body: {} });
        expect(applied.status).toBe(200);
        return stops;
      },
      20_000,
      300,
    );
    // The orders service and dispatch's own board both know the orders are the rider's.
    await eventually(
      async () => {
        const mine = await system.call('orders', 'GET', '/orders', { token: shop.rider.token });
        expect((mine.body.items ?? []).length).toBe(4);
        const run = await system.call('dispatch', 'GET', '/riders/me/run', { token: shop.rider.token });
        expect((run.body.stops as Array<{ orderId: string }>).map((s) => s.orderId)).toEqual(planned);
      },
      20_000,
      200,
    );

    // The phone: its camera films the first stop's label.
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        ...CHROMIUM_ARGS,
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${await qrCamera(await pickupCodeOf(planned[0]))}`,
      ],
    });
    phone = await browser.newContext({
      locale: 'en',
      viewport: { ...PHONE },
      isMobile: true,
      hasTouch: true,
      baseURL: system.url,
      timezoneId: 'Europe/London',
      geolocation: { latitude: DEPOT.lat, longitude: DEPOT.lng, accuracy: 8 },
      permissions: ['geolocation', 'camera'],
    });
    page = await phone.newPage();
  }, 150_000);
  afterAll(async () => {
    await phone?.close();
    await browser?.close();
    await system?.stop();
  });

  it('shows the run in the order dispatch planned, each stop with its window and recipient', async () => {
    await page.goto('/rider/');
    await page.getByLabel('Email').fill(shop.rider.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Today’s run' }).waitFor();
    await page.locator('.run-stop').nth(3).waitFor();
    const shown = await page.locator('.run-stops .run-stop').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-order-id')));
    expect(shown).toEqual(planned);
    const first = stopCard(planned[0]);
    // Times on the shop's clock (Shanghai), whatever the phone's zone.
    const from = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
      new Date(phoneOrder('', '').deliveryWindow.from),
    );
    await first.getByText(new RegExp(`Window ${from}–`)).waitFor();
    await first.getByText(names[orderIds.indexOf(planned[0])]).waitFor();
    // Where each stop is, short: the district and street of the shop's Chinese addresses.
    for (const orderId of planned) await stopCard(orderId).getByText(streetOf(orderId), { exact: true }).waitFor();
    await accessible(page, 'run');
    await shoot(page, 'run', 'full');
  });

  it('refuses a wrong code, then picks up by scanning the label with the camera', async () => {
    const orderId = planned[0];
    const name = names[orderIds.indexOf(orderId)];
    await openStop(orderId, name);
    // Address in full with its notes, and the map apps of a shop in China.
    await page.getByText(addressOf(orderIds.indexOf(orderId))).waitFor();
    await expect(page.getByRole('link', { name: 'Amap' }).getAttribute('href')).resolves.toMatch(/^https:\/\/uri\.amap\.com\/marker\?position=121\.4/);
    await expect(page.getByRole('link', { name: /^Call / }).getAttribute('href')).resolves.toBe('tel:13887654321');
    await accessible(page, 'stop');
    await shoot(page, 'stop');

    await page.getByLabel('Code on the label').fill('ZZZZZ');
    await page.getByRole('button', { name: 'Pick up with this code' }).click();
    await page
      .getByRole('alert')
      .getByText(/Wrong code.*Nothing was changed\. 4 tries left\./)
      .waitFor();
    await shoot(page, 'pickup', PICKUP);
    expect((await staff('orders', 'GET', `/orders/${orderId}`)).body.status).toBe('ready');

    await page.getByRole('button', { name: "Scan the label's code" }).click();
    await page.getByRole('heading', { name: 'Deliver' }).waitFor({ timeout: 15_000 });
    expect((await staff('orders', 'GET', `/orders/${orderId}`)).body.status).toBe('out_for_delivery');
  });

  it('delivers to a neighbour, named, with a photo: the order is delivered with the proof', async () => {
    const orderId = planned[0];
    await page.getByRole('button', { name: 'To a neighbour' }).click();
    await page.getByLabel("Neighbour's name and door").fill('陈阿姨 Mrs Chen, 1201');
    await page.getByLabel('Photo as proof').setInputFiles({ name: 'door.jpg', mimeType: 'image/jpeg', buffer: await photo('#2e7d32') });
    await page.getByRole('img', { name: 'The photo to send' }).waitFor();
    await accessible(page, 'delivery');
    await shoot(page, 'delivery', DELIVERY);
    await page.getByRole('button', { name: 'Confirm: delivered to the neighbour' }).click();
    const delivered = await eventually(
      async () => {
        const order = await staff('orders', 'GET', `/orders/${orderId}`);
        expect(order.body.status).toBe('delivered');
        return order.body.delivery as { outcome: { kind: string }; receivedBy: string; proof: { photoRef?: string; position?: { lat: number } } };
      },
      15_000,
      200,
    );
    expect(delivered.outcome.kind).toBe('neighbour');
    expect(delivered.receivedBy).toBe('陈阿姨 Mrs Chen, 1201');
    expect(delivered.proof.photoRef).toEqual(expect.any(String));
    expect(delivered.proof.position?.lat).toBeCloseTo(DEPOT.lat, 4);
    // The proof is a photo the shop can open, downscaled on the phone.
    const proof = await fetch(`${system.url}/api/messaging/attachments/${delivered.proof.photoRef}`, {
      headers: { authorization: `Bearer ${shop.owner.token}` },
    });
    expect([proof.status, proof.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
  });

  it('reports a wrong address on another stop: the shop sees it, and the rider sees it listed', async () => {
    const orderId = planned[1];
    await openStop(orderId, names[orderIds.indexOf(orderId)]);
    await page.getByRole('button', { name: 'Report a problem' }).click();
    await page.getByRole('button', { name: 'Address wrong' }).click();
    await page.getByLabel('Where it should go, if you know').fill('常德路 880 号');
    await accessible(page, 'report');
    await shoot(page, 'report', REPORT);
    await page.getByRole('button', { name: 'Send the report' }).click();
    await sentOrSaid(page);
    const report = await eventually(
      async () => {
        const reports = await staff('messaging', 'GET', `/exceptions?shopId=${shop.shopId}`);
        const found = (reports.body.items ?? []).filter((r) => r.orderId === orderId);
        expect(found).toHaveLength(1);
        return found[0];
      },
      30_000,
      200,
    );
    expect(report).toMatchObject({ type: 'address_not_found', status: 'reported' });
    const full = await staff('messaging', 'GET', `/exceptions/${report.exceptionId as string}`);
    expect(full.body).toMatchObject({ details: { type: 'address_not_found', suggestedAddress: '常德路 880 号' }, riderId: shop.rider.personId });
    expect((full.body.position as { lat: number }).lat).toBeCloseTo(DEPOT.lat, 4);

    // The shop acknowledges: the rider's list says so.
    expect((await staff('messaging', 'POST', `/exceptions/${report.exceptionId as string}/acknowledge`, {})).status).toBe(200);
    await page.getByRole('navigation').getByRole('link', { name: 'Problems', exact: true }).click();
    const listed = page.locator(`.report[data-exception-id="${report.exceptionId as string}"]`);
    await listed.getByText('Address wrong').waitFor();
    await listed.getByText(/^Seen by the shop /).waitFor({ timeout: 15_000 });
    await accessible(page, 'exceptions');
    await shoot(page, 'exceptions', 'full');
  });

  it('writes to the shop about an order from its chat', async () => {
    const orderId = planned[1];
    await openStop(orderId, names[orderIds.indexOf(orderId)]);
    await page.getByRole('link', { name: 'Chat about this order' }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Gate is locked, calling the shop');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.message:not(.waiting)').getByText('Gate is locked, calling the shop').waitFor({ timeout: 15_000 });
    await accessible(page, 'chat');
    await shoot(page, 'chat', 'full');
  });

  it('in a tunnel, delivers one and reports one: they wait on the phone, then reach the shop once each, in order', async () => {
    const [, , third, fourth] = planned;
    // At the counter, online: the third bouquet picked up by its typed code; the fourth stop looked at.
    await openStop(third, names[orderIds.indexOf(third)]);
    await page.getByLabel('Code on the label').fill((await pickupCodeOf(third)).toLowerCase());
    await page.getByRole('button', { name: 'Pick up with this code' }).click();
    await page.getByRole('heading', { name: 'Deliver' }).waitFor();
    await openStop(fourth, names[orderIds.indexOf(fourth)]);
    await openStop(third, names[orderIds.indexOf(third)]);

    await phone.setOffline(true);
    await page.locator('[data-network="offline"]').waitFor();
    await page.getByRole('button', { name: 'To the recipient' }).click();
    await page.getByRole('button', { name: 'Confirm: delivered to the recipient' }).click();
    await sentOrSaid(page);
    await openStop(fourth, names[orderIds.indexOf(fourth)]);
    await page.getByRole('button', { name: 'Report a problem' }).click();
    await page.getByRole('button', { name: 'Nobody home' }).click();
    await page.getByRole('button', { name: 'Send the report' }).click();
    await sentOrSaid(page);

    // The phone shows both waiting; the shop has neither.
    await page.getByRole('navigation').getByRole('link', { name: 'Today’s run', exact: true }).click();
    await stopCard(third).getByText('Waiting to send').waitFor();
    await stopCard(fourth).getByText('Waiting to send').waitFor();
    expect(await page.locator('.outbox-button').getAttribute('data-waiting')).toBe('2');
    await shoot(page, 'offline-run', 'full');
    expect((await staff('orders', 'GET', `/orders/${third}`)).body.status).toBe('out_for_delivery');

    await phone.setOffline(false);
    await eventually(async () => expect(await page.locator('.outbox-button').getAttribute('data-waiting')).toBe('0'), 20_000, 200);
    const history = await eventually(
      async () => {
        const events = (await staff('orders', 'GET', `/orders/${third}/history`)).body.items as Array<{
          type: string;
          recordedAt?: string;
          occurredAt?: string;
        }>;
        expect(events.filter((e) => e.type === 'OrderDelivered')).toHaveLength(1);
        return events;
      },
      15_000,
      200,
    );
    const report = await eventually(
      async () => {
        const found = ((await staff('messaging', 'GET', `/exceptions?shopId=${shop.shopId}`)).body.items ?? []).filter((r) => r.orderId === fourth);
        expect(found).toHaveLength(1);
        return found[0];
      },
      15_000,
      200,
    );
    expect(report.type).toBe('recipient_absent');
    const delivered = history.find((e) => e.type === 'OrderDelivered');
    const deliveredAt = Date.parse((delivered?.recordedAt ?? delivered?.occurredAt) as string);
    expect(deliveredAt).toBeLessThanOrEqual(Date.parse(report.reportedAt as string));
  });
  it('shows the same screens in Chinese, once the rider picks 中文 from the menu', async () => {
    const [, second, , fourth] = planned;
    await page.getByText('Menu', { exact: true }).click();
    await page.getByRole('button', { name: '中文' }).click();
    await page.locator('html[lang="zh-CN"]').waitFor();
    await page.getByText('菜单', { exact: true }).click();
    const openStopZh = async (orderId: string) => {
      await page.getByRole('navigation').getByRole('link', { name: '今日路线', exact: true }).click();
      await stopCard(orderId).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: names[orderIds.indexOf(orderId)] }).waitFor();
    };

    await page.getByRole('navigation').getByRole('link', { name: '今日路线', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '今日行程' }).waitFor();
    await stopCard(second).getByText(streetOf(second), { exact: true }).waitFor();
    // The rider's own deliveries are not "changes by dispatch".
    expect(await page.getByText('调度更新了您的行程').count()).toBe(0);
    await shoot(page, 'run', 'full');

    // A stop still to pick up: its page, and a wrong code refused in Chinese.
    await openStopZh(second);
    await shoot(page, 'stop');
    await page.getByLabel('标签上的取货码').fill('ZZZZZ');
    await page.getByRole('button', { name: '用此取货码取货' }).click();
    await page
      .getByRole('alert')
      .getByText(/取货码错误.*还可尝试 \d+ 次/)
      .waitFor();
    await shoot(page, 'pickup', PICKUP);

    // The last stop picked up by its typed code: the delivery choices, and a report begun.
    await openStopZh(fourth);
    await page.getByLabel('标签上的取货码').fill(await pickupCodeOf(fourth));
    await page.getByRole('button', { name: '用此取货码取货' }).click();
    await page.getByRole('button', { name: '交给邻居' }).click();
    await page.getByLabel('邻居姓名及门牌').fill('陈阿姨 1201');
    await shoot(page, 'delivery', DELIVERY);
    await page.getByRole('button', { name: '报告问题' }).click();
    await page.getByRole('button', { name: '地址错误' }).click();
    await shoot(page, 'report', REPORT);

    await page.getByRole('navigation').getByRole('link', { name: '异常', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '我的异常报告' }).waitFor();
    await page.locator('.report').nth(1).waitFor();
    await shoot(page, 'exceptions', 'full');

    // Chat, and a message written in a lift: it waits in the outbox until the network returns.
    await openStopZh(second);
    await page.getByRole('link', { name: '关于此订单的消息' }).click();
    await page.locator('.message').first().waitFor();
    await shoot(page, 'chat', 'full');
    await phone.setOffline(true);
    await page.locator('[data-network="offline"]').waitFor();
    await page.getByRole('textbox', { name: '消息' }).fill('电梯里，马上到');
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.locator('.outbox-button[data-waiting="1"]').click();
    // The waiting action in the rider's words.
    await page.getByRole('dialog').getByText('消息', { exact: true }).waitFor();
    await shoot(page, 'offline-outbox');
    await page.getByRole('dialog').getByRole('button', { name: '关闭' }).click();
    await phone.setOffline(false);
    await page.locator('.message:not(.waiting)').getByText('电梯里，马上到').waitFor({ timeout: 15_000 });
  });
});
