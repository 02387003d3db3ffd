import { z } from 'zod';
import type { ChinaPlatform } from './platform-connector';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A platform's open-API origin: https, or http on loopback only (a local stand-in in development
 * and tests) — the app secret signs every call, and the calls carry the shop's access token.
 */
function apiOrigin(real: string) {
  return z
    .url({ protocol: /^https?$/ })
    .refine((value) => {
      const url = new URL(value);
      return url.protocol === 'https:' || LOOPBACK_HOSTS.has(url.hostname);
    }, 'must be https (http only on 127.0.0.1, ::1 or localhost)')
    .refine((value) => {
      const url = new URL(value);
      return url.pathname === '/' && url.search === '' && url.hash === '';
    }, 'must be an origin: scheme, host and port, no path')
    .transform((value) => new URL(value).origin)
    .default(real);
}

/** The Chinese platforms' variables, to extend the orders service's config schema with. */
export const platformsConfigShape = {
  /** Meituan 闪购's open API (order/confirm, the self-delivery logistics sync). */
  ORDERS_INTAKE_MEITUAN_API_ORIGIN: apiOrigin('https://waimaiopen.meituan.com'),
  /** Ele.me 零售's open API (order.get, the self-delivery sync). */
  ORDERS_INTAKE_ELEME_API_ORIGIN: apiOrigin('https://api-be.ele.me'),
  /** Youzan's open API (trade.get, decryption, local-delivery status). */
  ORDERS_INTAKE_YOUZAN_API_ORIGIN: apiOrigin('https://open.youzanyun.com'),
  /** WeChat's API (access token, the store's orders and their sensitive-info decode). */
  ORDERS_INTAKE_WECHAT_API_ORIGIN: apiOrigin('https://api.weixin.qq.com'),
};

export interface PlatformsConfig {
  ORDERS_INTAKE_MEITUAN_API_ORIGIN: string;
  ORDERS_INTAKE_ELEME_API_ORIGIN: string;
  ORDERS_INTAKE_YOUZAN_API_ORIGIN: string;
  ORDERS_INTAKE_WECHAT_API_ORIGIN: string;
}

export const PLATFORMS_CONFIG = Symbol('PLATFORMS_CONFIG');

/** Where a platform's API is called (no trailing slash). */
export function apiOriginOf(config: PlatformsConfig, platform: ChinaPlatform): string {
  switch (platform) {
    case 'meituan':
      return config.ORDERS_INTAKE_MEITUAN_API_ORIGIN;
    case 'eleme':
      return config.ORDERS_INTAKE_ELEME_API_ORIGIN;
    case 'youzan':
      return config.ORDERS_INTAKE_YOUZAN_API_ORIGIN;
    case 'wechat':
      return config.ORDERS_INTAKE_WECHAT_API_ORIGIN;
  }
}
