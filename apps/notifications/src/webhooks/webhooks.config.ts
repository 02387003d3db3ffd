import { ConfigError, type ServiceConfig } from '@petalpost/platform';
import { z } from 'zod';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './domain/webhook-retry';

const positiveInt = z.coerce.number().int().positive();

/** The webhooks' variables, to extend the notifications service's config schema with (README lists them). */
export const webhooksConfigShape = {
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(50).default(DEFAULT_RETRY_POLICY.maxAttempts),
  WEBHOOK_BACKOFF_BASE_MS: positiveInt.default(DEFAULT_RETRY_POLICY.baseDelayMs),
  WEBHOOK_BACKOFF_MAX_MS: positiveInt.default(DEFAULT_RETRY_POLICY.maxDelayMs),
  WEBHOOK_BACKOFF_JITTER: z.coerce.number().min(0).max(1).default(DEFAULT_RETRY_POLICY.jitter),
  WEBHOOK_TIMEOUT_MS: positiveInt.min(100).max(60_000).default(10_000),
  WEBHOOK_POLL_INTERVAL_MS: positiveInt.min(10).default(1_000),
  WEBHOOK_BATCH_SIZE: positiveInt.max(500).default(16),
  WEBHOOK_SECRET_GRACE_HOURS: z.coerce
    .number()
    .min(0)
    .max(30 * 24)
    .default(24),
  WEBHOOK_EVENT_RETENTION_DAYS: positiveInt.max(3650).default(30),
};

/** What the webhooks read of the service's config. */
export type WebhooksConfig = ServiceConfig & { DATABASE_SCHEMA: string } & {
  [K in keyof typeof webhooksConfigShape]: z.infer<(typeof webhooksConfigShape)[K]>;
};

/** Fails the start when the service's config schema was not extended with webhooksConfigShape (every value would be missing). */
export function webhooksConfigOf(config: ServiceConfig): WebhooksConfig {
  const missing = Object.keys(webhooksConfigShape).filter((name) => !(name in config));
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: missing: extend the service's config schema with webhooksConfigShape`));
  return config as WebhooksConfig;
}

export function retryPolicyOf(config: WebhooksConfig): RetryPolicy {
  return {
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    baseDelayMs: config.WEBHOOK_BACKOFF_BASE_MS,
    maxDelayMs: config.WEBHOOK_BACKOFF_MAX_MS,
    jitter: config.WEBHOOK_BACKOFF_JITTER,
  };
}

/** Outside production a receiver on this machine is fine (development, tests); in production it would be SSRF. */
export function allowsPrivateNetworks(config: Pick<ServiceConfig, 'NODE_ENV'>): boolean {
  return config.NODE_ENV !== 'production';
}

/** NOTIFY channels are database-wide: one per schema, so services sharing a database do not wake each other. */
export function wakeUpChannel(schema: string): string {
  return `petalpost_webhooks_${schema}`.slice(0, 63);
}
