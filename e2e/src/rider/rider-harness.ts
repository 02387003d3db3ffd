import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type ConsoleSystem, type Locale } from '../console/harness';

const repoRoot = join(__dirname, '..', '..', '..');
/**
 * The rider's screens kept from each run (reports/ is not tracked). docs/rider-app.md shows a set
 * refreshed on purpose: `RIDER_SCREENS_DIR=docs/rider/screens npx jest e2e/src/rider`.
 */
export const RIDER_SCREENS_DIR = resolve(repoRoot, process.env.RIDER_SCREENS_DIR ?? join('reports', 'rider-screens'));
/** A common phone. */
export const PHONE = { width: 390, height: 844 } as const;

/** A phone in this locale, the shop's town around it, its position shared with the app. */
export function newPhone(system: ConsoleSystem, locale: Locale, at: { lat: number; lng: number }): Promise<BrowserContext> {
  return system.browser.newContext({
    locale,
    viewport: { ...PHONE },
    isMobile: true,
    hasTouch: true,
    baseURL: system.url,
    timezoneId: 'Asia/Shanghai',
    geolocation: { latitude: at.lat, longitude: at.lng, accuracy: 8 },
    permissions: ['geolocation'],
  });
}

/** Keeps the screen as <RIDER_SCREENS_DIR>/<locale>-<name>-390x844.png. */
export async function riderScreenshot(page: Page, name: string): Promise<void> {
  const locale = (await page.locator('html').getAttribute('lang')) ?? 'unknown';
  await mkdir(RIDER_SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: join(RIDER_SCREENS_DIR, `${locale}-${name}-${PHONE.width}x${PHONE.height}.png`), animations: 'disabled' });
}
