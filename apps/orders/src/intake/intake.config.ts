import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';

/**
 * Used when ORDERS_INTAKE_SECRETS_KEY is unset, so a development start on this machine needs no
 * setup. It is public (it decodes to "petalpost-dev-intake-secrets-key"): anything sealed under it
 * is not protected, so it is refused in production and on any address other than loopback.
 */
export const DEVELOPMENT_INTAKE_SECRETS_KEY = 'cGV0YWxwb3N0LWRldi1pbnRha2Utc2VjcmV0cy1rZXk=';

const KEY_BYTES = 32;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

/** Strict: Buffer.from(…, 'base64') skips characters it does not know, so a mangled key would decode to something. */
function isBase64Of32Bytes(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === KEY_BYTES && bytes.toString('base64') === value;
}

const base64Of32Bytes = `must be base64 of ${KEY_BYTES} random bytes (openssl rand -base64 ${KEY_BYTES})`;

/** The intake slice's variables, to extend the orders service's config schema with. */
export const intakeConfigShape = {
  /** Seals the shops' webhook secrets, write-back credentials and the raw deliveries at rest (AES-256-GCM). */
  ORDERS_INTAKE_SECRETS_KEY: z.string().refine(isBase64Of32Bytes, base64Of32Bytes).default(DEVELOPMENT_INTAKE_SECRETS_KEY),
  /** After a rotation, how long the previous webhook secret still verifies (Shopify signs with the old one for up to an hour). */
  ORDERS_INTAKE_SECRET_GRACE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** The largest webhook delivery accepted (413 above): an order is a few kilobytes. */
  ORDERS_INTAKE_WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  /** The largest CSV import accepted, in megabytes. */
  ORDERS_INTAKE_IMPORT_MAX_MB: z.coerce.number().int().min(1).max(10_000).default(250),
  /** Where shops reach this service from outside (the gateway's public origin and path), for the webhook URLs a connection shows. */
  ORDERS_INTAKE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080/api/orders'),
  /** How often the delivery worker looks for received deliveries a lost wake-up missed. */
  ORDERS_INTAKE_WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /**
   * Webhook deliveries the worker places at once (deliveries of one order still one after another).
   * Each holds a database connection while placing: keep it below the pool (10), which also serves requests.
   */
  ORDERS_INTAKE_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(6),
};

export interface IntakeConfig {
  NODE_ENV: string;
  HOST: string;
  ORDERS_INTAKE_SECRETS_KEY: string;
  ORDERS_INTAKE_SECRET_GRACE_MINUTES: number;
  ORDERS_INTAKE_WEBHOOK_MAX_BYTES: number;
  ORDERS_INTAKE_IMPORT_MAX_MB: number;
  ORDERS_INTAKE_PUBLIC_URL: string;
  ORDERS_INTAKE_WORKER_POLL_MS: number;
  ORDERS_INTAKE_WORKER_CONCURRENCY: number;
  DATABASE_SCHEMA: string;
}

/**
 * The key that seals intake secrets. The public development key is accepted only by a development
 * service listening on loopback: anywhere else it would protect nothing.
 */
export function intakeSecretsKeyFrom(config: Pick<IntakeConfig, 'NODE_ENV' | 'HOST' | 'ORDERS_INTAKE_SECRETS_KEY'>): Buffer {
  if (config.ORDERS_INTAKE_SECRETS_KEY === DEVELOPMENT_INTAKE_SECRETS_KEY) {
    if (config.NODE_ENV === 'production') throw new ConfigError(['ORDERS_INTAKE_SECRETS_KEY: must be set in production']);
    if (!LOOPBACK_HOSTS.has(config.HOST)) {
      throw new ConfigError(['ORDERS_INTAKE_SECRETS_KEY: the public development key is for a service on loopback only; set a key to listen on ' + config.HOST]);
    }
  }
  if (!isBase64Of32Bytes(config.ORDERS_INTAKE_SECRETS_KEY)) throw new ConfigError([`ORDERS_INTAKE_SECRETS_KEY: ${base64Of32Bytes}`]);
  return Buffer.from(config.ORDERS_INTAKE_SECRETS_KEY, 'base64');
}
