import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';
import type { RetrySchedule } from './domain/writeback-plan';

/** The write-back and reconciliation variables, to extend the orders service's config schema with. */
export const writebackConfigShape = {
  /** How often the write-back worker looks for write-backs that fell due. */
  ORDERS_INTAKE_WRITEBACK_POLL_MS: z.coerce.number().int().min(20).max(60_000).default(1000),
  /** Attempts before a write-back is dead and waits for staff (Shopify itself retries its webhooks 8 times). */
  ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** The first wait after a failed attempt; it doubles with each failure, up to the maximum. */
  ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
  ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  /** How long one request to a shop system may take. */
  ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** The GraphQL Admin API version write-back asks for (a released quarter). */
  ORDERS_INTAKE_SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-(01|04|07|10)$/, 'a released Admin API version such as 2026-04')
    .default('2026-04'),
  /**
   * Development and tests only: where every shop's Admin API is reached instead of
   * https://<shop>.myshopify.com (a local stand-in). Refused in production.
   */
  ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * The least time between two rider positions told to a Chinese platform for one order, instead
   * of the platform's own rate (its connector's): for tests, and for a shop whose platform account
   * takes another. Unset: each platform's rate.
   */
  ORDERS_INTAKE_POSITION_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  /** How often each WooCommerce site is asked for orders modified since the last check. */
  ORDERS_INTAKE_WOO_POLL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Each check reaches back this far before the last one: WooCommerce compares whole seconds, and a late write lands in the past. */
  ORDERS_INTAKE_WOO_POLL_OVERLAP_SECONDS: z.coerce.number().int().min(0).max(86_400).default(120),
};

export interface WritebackConfig {
  NODE_ENV: string;
  ORDERS_INTAKE_WRITEBACK_POLL_MS: number;
  ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS: number;
  ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS: number;
  ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS: number;
  ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS: number;
  ORDERS_INTAKE_SHOPIFY_API_VERSION: string;
  ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN?: string;
  ORDERS_INTAKE_WOO_POLL_SECONDS: number;
  ORDERS_INTAKE_WOO_POLL_OVERLAP_SECONDS: number;
  ORDERS_INTAKE_POSITION_INTERVAL_MS?: number;
}

export const WRITEBACK_CONFIG = Symbol('WRITEBACK_CONFIG');

export function retryScheduleOf(config: WritebackConfig): RetrySchedule {
  return {
    baseMs: config.ORDERS_INTAKE_WRITEBACK_BASE_DELAY_MS,
    maxMs: config.ORDERS_INTAKE_WRITEBACK_MAX_DELAY_MS,
    maxAttempts: config.ORDERS_INTAKE_WRITEBACK_MAX_ATTEMPTS,
  };
}

/** Checked at start: a production service always talks to the shops' real Admin API. */
export function checkWritebackConfig(config: WritebackConfig): void {
  if (config.NODE_ENV === 'production' && config.ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN !== undefined) {
    throw new ConfigError(['ORDERS_INTAKE_SHOPIFY_ADMIN_ORIGIN: for development and tests only; unset it in production']);
  }
}
