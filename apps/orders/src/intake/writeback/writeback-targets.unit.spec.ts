import { z } from 'zod';
import type { Connection } from '../connections/intake-connections.store';
import { DEFAULT_PLATFORM_RULES } from '../platforms/buyer-note';
import type { PlatformAccess } from '../platforms/platform-connector';
import type { WritebackPlatform } from './domain/writeback-plan';
import type { ClaimedWriteback } from './intake-writebacks.store';
import { checkWritebackConfig, type WritebackConfig, writebackConfigShape } from './writeback.config';
import { platformTargetOf, writebackTargetOf } from './writeback-targets';

const claim = (platform: WritebackPlatform): ClaimedWriteback => ({
  writebackId: 'w1',
  shopId: 's1',
  orderId: 'o1',
  connectionId: 'c1',
  platform,
  externalRef: '727',
  facts: { status: 'delivered', happenedAt: '2026-12-07T10:00:00.000Z' },
  attempt: 1,
});
const connection = (platform: 'shopify' | 'woocommerce', change: Partial<Connection> = {}): Connection => ({
  connectionId: 'c1',
  shopId: 's1',
  platform,
  label: 'Shop',
  ...(platform === 'shopify' ? { shopDomain: 'petals.myshopify.com' } : { siteUrl: 'https://shop.example/' }),
  timeZone: 'Europe/Amsterdam',
  secretHint: '…abcd',
  hasWriteBackCredentials: true,
  mapping: {},
  enabled: true,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...change,
});

describe('where a write-back goes', () => {
  it('takes a Shopify store and its Admin API token', () => {
    expect(writebackTargetOf(claim('shopify'), connection('shopify'), { adminAccessToken: 'shpat_x' })).toEqual({
      platform: 'shopify',
      connectionId: 'c1',
      shopDomain: 'petals.myshopify.com',
      accessToken: 'shpat_x',
      externalRef: '727',
    });
  });

  it('takes a WooCommerce site and its consumer key', () => {
    expect(writebackTargetOf(claim('woocommerce'), connection('woocommerce'), { consumerKey: 'ck_1', consumerSecret: 'cs_1' })).toMatchObject({
      platform: 'woocommerce',
      siteUrl: 'https://shop.example/',
      consumerKey: 'ck_1',
      consumerSecret: 'cs_1',
    });
  });

  it.each([
    ['a removed connection', undefined, { adminAccessToken: 'shpat_x' }, /removed/],
    ['a disabled connection', connection('shopify', { enabled: false }), { adminAccessToken: 'shpat_x' }, /disabled/],
    ['a connection without credentials', connection('shopify'), undefined, /no write-back credentials/],
    ['a Shopify connection holding consumer keys', connection('shopify'), { consumerKey: 'ck_1', consumerSecret: 'cs_1' }, /Admin API access token/],
  ] as const)('is not worth retrying for %s', (_name, held, credentials, message) => {
    expect(() => writebackTargetOf(claim('shopify'), held, credentials)).toThrow(
      expect.objectContaining({ retryable: false, message: expect.stringMatching(message) }),
    );
  });
});

describe("where a Chinese platform's write-back goes", () => {
  const meituan = connection('shopify', { platform: 'meituan', shopDomain: undefined, appKey: '4585', storeRef: 'poi-1', timeZone: 'Asia/Shanghai' });
  const access: PlatformAccess = {
    platform: 'meituan',
    connectionId: 'c1',
    appKey: '4585',
    secret: 'app-secret',
    storeRef: 'poi-1',
    credentials: {},
    apiOrigin: 'https://waimaiopen.meituan.com',
    timeZone: 'Asia/Shanghai',
    rules: DEFAULT_PLATFORM_RULES,
  };

  it("takes the connection's access and the order there", () => {
    expect(platformTargetOf(claim('meituan'), meituan, access)).toEqual({ ...access, externalRef: '727' });
  });

  it.each([
    ['a removed connection', undefined, undefined, /removed/],
    ['a disabled connection', { ...meituan, enabled: false }, access, /disabled/],
  ] as const)('is not worth retrying for %s', (_name, held, opened, message) => {
    expect(() => platformTargetOf(claim('meituan'), held, opened)).toThrow(
      expect.objectContaining({ retryable: false, message: expect.stringMatching(message) }),
    );
  });
});

describe('the write-back settings', () => {
  it("leave the positions' interval to each platform unless it is set, and take whole milliseconds up to an hour", () => {
    const interval = z.object(writebackConfigShape).shape.ORDERS_INTAKE_POSITION_INTERVAL_MS;
    expect(interval.parse(undefined)).toBeUndefined();
    expect(interval.parse('1000')).toBe(1000);
    expect(interval.parse('0')).toBe(0);
    expect(interval.safeParse('-1').success).toBe(false);
    expect(interval.safeParse('3600001').success).toBe(false);
    expect(interval.safeParse('1.5').success).toBe(false);
    expect(interval.safeParse('often').success).toBe(false);
  });

  const config = { NODE_ENV: 'production', ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN: 'http://127.0.0.1:9999' } as WritebackConfig;

  it('refuse a stand-in Admin API address in production', () => {
    expect(() => checkWritebackConfig(config)).toThrow(/ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN/);
  });

  it('accept it in development, and production without it', () => {
    expect(() => checkWritebackConfig({ ...config, NODE_ENV: 'development' })).not.toThrow();
    expect(() => checkWritebackConfig({ ...config, ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN: undefined })).not.toThrow();
  });
});
