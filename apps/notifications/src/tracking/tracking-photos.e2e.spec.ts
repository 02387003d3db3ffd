import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal } from '@petalpost/auth';
import { CHROMIUM_ARGS, CHROMIUM_PATH, createTestNamespace, eventually, orderOnTheWire, rosesPlaced, uniqueName } from '@petalpost/testing';
import { type BrowserContext, chromium } from 'playwright-core';
import { type Notifications, relayStandIn, type Relay, startNotifications, tokens } from '../notifications.fixture';

const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

/**
 * The tracking page as `npm start` runs it, with no photo store configured (TRACKING_PHOTO_BASE_URL
 * unset), in a real Chromium: a delivered order with an arrangement photo and a proof photo shows
 * no broken image.
 */
describe('tracking page without a photo store (real service, Kafka, Postgres and Chromium)', () => {
  let service: Notifications;
  let relay: Relay;
  let browser: BrowserContext;
  let userDataDir: string;

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    service = await startNotifications(namespace);
    relay = await relayStandIn(namespace);
    userDataDir = await mkdtemp(join(tmpdir(), 'petalpost-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 390, height: 844 },
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
    await relay?.disconnect();
    await service?.app.close();
  });

  it('shows a delivered order with its photos without a single broken image', async () => {
    const shopId = uniqueName('shop');
    const { orderId, ref, next } = orderOnTheWire(shopId);
    const now = () => new Date().toISOString();
    await relay.orders(
      next({ type: 'OrderPlaced', data: rosesPlaced(ref, { deliveryWindow: { from: minutesFromNow(-60), to: minutesFromNow(60) } }) }),
      next({ type: 'OrderAccepted', data: { ...ref, acceptedAt: now() } }),
      next({ type: 'ArrangementPhotoAttached', data: { ...ref, photoRef: 'photos/arrangement-1.jpg', attachedAt: now() } }),
      next({ type: 'ArrangementFinished', data: { ...ref, finishedAt: now() } }),
      next({ type: 'OutForDelivery', data: { ...ref, riderId: 'rita', pickedUpAt: now() } }),
      next({
        type: 'OrderDelivered',
        data: {
          ...ref,
          riderId: 'rita',
          outcome: { kind: 'recipient' },
          proof: { photoRef: 'photos/proof-1.jpg', at: now() },
          receivedBy: null,
          deliveredAt: now(),
        },
      }),
    );
    const staff: Principal = { role: 'staff', shopId, sub: 'alice' };
    const { url } = await eventually(async () => {
      const response = await fetch(`${service.url}/orders/${orderId}/tracking-link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.sign(staff)}` },
      });
      expect(response.status).toBe(201);
      const minted = (await response.json()) as { url: string };
      expect(((await (await fetch(`${minted.url}/state`)).json()) as { status: string }).status).toBe('delivered');
      return minted;
    }, 30_000);

    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(url);
    await eventually(async () => expect(await page.locator('#live').isVisible()).toBe(true));
    expect(await page.locator('body').getAttribute('data-status')).toBe('delivered');
    // Every image on the page either loaded, or was never given anything to load.
    const images = await page.evaluate<Array<{ src: string | null; loaded: boolean }>>(
      `[...document.querySelectorAll('img')].map((img) => ({ src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 }))`,
    );
    expect(images.filter((img) => img.src !== null && !img.loaded)).toEqual([]);
    expect(await page.locator('#proof').isVisible()).toBe(false);
    expect(failed).toEqual([]);
    await page.close();
  });
});
