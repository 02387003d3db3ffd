import { eventually, uniqueName } from '@petalpost/testing';
import type { Page, WebSocket } from 'playwright-core';
import { type ConsoleSystem, phoneOrder, type Shop, signInAs, startConsoleSystem, streamState, windowSoon } from './harness';

/** How long the laptop is off the network: long enough for a reconnect to have given up on the old socket. */
const OFFLINE_MS = 30_000;

/** Every card on the board: its order and the status it shows. */
const boardCards = (page: Page) =>
  page
    .locator('article[data-order-id]')
    .evaluateAll((cards) => cards.map((card) => ({ orderId: card.getAttribute('data-order-id')!, status: card.getAttribute('data-status')! })));

/**
 * The resume test: the board is open at the counter, the network drops for 30 s while the
 * day goes on, and when it returns the board shows every change once, without a reload, resumed
 * from the stream's cursor.
 */
describe('the order board after a lost connection', () => {
  let system: ConsoleSystem;
  let shop: Shop;

  beforeAll(async () => {
    system = await startConsoleSystem();
    shop = await system.makeShop('花语小铺 Resume');
  }, 180_000);
  afterAll(async () => {
    await system?.stop();
  });

  it('shows every change made while it was offline, each order once, and the header says offline, then live again', async () => {
    const staff = shop.staff.token;
    const place = async (name: string) => {
      const placed = await system.call('orders', 'POST', '/orders', {
        token: staff,
        body: phoneOrder(name, uniqueName('HY')),
        headers: { 'idempotency-key': uniqueName('k') },
      });
      expect(placed.status).toBe(201);
      return placed.body.orderId as string;
    };
    const command = async (orderId: string, step: 'accept' | 'cancel') => {
      const body = step === 'cancel' ? { reason: 'The buyer called: the party is off' } : {};
      const answer = await system.call('orders', 'POST', `/orders/${orderId}/${step}`, { token: staff, body });
      expect({ step, status: answer.status }).toEqual({ step, status: 200 });
    };
    const before = await place('李娜 Li Na');

    const context = await system.newContext('en');
    try {
      const page = await context.newPage();
      const sockets: WebSocket[] = [];
      page.on('websocket', (socket) => sockets.push(socket));
      await page.goto(`/orders?day=${windowSoon().shopDay}`);
      await signInAs(page, shop.staff.email);
      await page.locator(`article[data-order-id="${before}"][data-status="placed"]`).waitFor();
      await eventually(async () => expect(await streamState(page)).toBe('live'));
      // Every state the header shows from here on, in order.
      await page.evaluate(`(() => {
        const badge = document.querySelector('[data-stream]');
        window.streamStates = [badge.getAttribute('data-stream')];
        new MutationObserver(() => window.streamStates.push(badge.getAttribute('data-stream'))).observe(badge, { attributes: true, attributeFilter: ['data-stream'] });
      })()`);

      await context.setOffline(true);
      const cutAt = Date.now();
      const placedOffline = [await place('王芳 Wang Fang'), await place('Emily Chen'), await place('刘洋 Liu Yang')];
      await command(placedOffline[0], 'accept');
      await command(placedOffline[1], 'accept');
      await command(before, 'cancel');
      await page.waitForTimeout(Math.max(0, OFFLINE_MS - (Date.now() - cutAt)));
      // Cut off for real: nothing of what happened reached the board.
      expect(await boardCards(page)).toEqual([{ orderId: before, status: 'placed' }]);
      expect(await streamState(page)).not.toBe('live');

      await context.setOffline(false);
      const expected = [
        { orderId: before, status: 'cancelled' },
        { orderId: placedOffline[0], status: 'accepted' },
        { orderId: placedOffline[1], status: 'accepted' },
        { orderId: placedOffline[2], status: 'placed' },
      ];
      const byOrder = (cards: Array<{ orderId: string; status: string }>) => [...cards].sort((a, b) => a.orderId.localeCompare(b.orderId));
      await eventually(async () => expect(byOrder(await boardCards(page))).toEqual(byOrder(expected)), 30_000, 100);
      await eventually(async () => expect(await streamState(page)).toBe('live'), 30_000, 100);
      expect(await page.evaluate('window.streamStates')).toEqual(expect.arrayContaining(['offline', 'live']));
      const states = (await page.evaluate('window.streamStates')) as string[];
      expect(states.indexOf('offline')).toBeLessThan(states.lastIndexOf('live'));

      // The stream came back from where it was: the new socket carried its cursor.
      const reconnected = sockets.slice(1).map((socket) => new URL(socket.url()));
      expect(reconnected.length).toBeGreaterThan(0);
      expect(reconnected.every((url) => url.searchParams.has('cursor'))).toBe(true);
      // The board stayed the page it was (no reload), and nothing doubled.
      expect(await page.evaluate('window.streamStates !== undefined')).toBe(true);
      expect(await page.locator('article[data-order-id]').count()).toBe(expected.length);
    } finally {
      await context.close();
    }
  }, 120_000);
});
