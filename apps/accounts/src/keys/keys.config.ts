import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';

/**
 * Used when ACCOUNTS_KEY_ENCRYPTION_KEY is unset, so a development start needs no setup; production
 * refuses it. It is public (it decodes to "petalpost-dev-signing-key-sealer"): keys sealed under it are not protected.
 */
export const DEVELOPMENT_KEY_ENCRYPTION_KEY = 'cGV0YWxwb3N0LWRldi1zaWduaW5nLWtleS1zZWFsZXI=';

const KEY_BYTES = 32;

/** Strict: Buffer.from(…, 'base64') skips characters it does not know, so a mangled key would decode to something. */
function isBase64Of32Bytes(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === KEY_BYTES && bytes.toString('base64') === value;
}

const base64Of32Bytes = `must be base64 of ${KEY_BYTES} random bytes (openssl rand -base64 ${KEY_BYTES})`;

export const keysConfigShape = {
  /** Seals the signing keys' private halves in the database (AES-256-GCM). */
  ACCOUNTS_KEY_ENCRYPTION_KEY: z.string().refine(isBase64Of32Bytes, base64Of32Bytes).default(DEVELOPMENT_KEY_ENCRYPTION_KEY),
  /** How long a key signs before the next one takes over. */
  ACCOUNTS_KEY_ROTATION_DAYS: z.coerce.number().positive().max(365).default(30),
  /** How long a new key is published before it signs, so the services have fetched it by then. */
  ACCOUNTS_KEY_PREPUBLISH_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(20),
};

export interface KeysConfig {
  NODE_ENV: string;
  ACCOUNTS_KEY_ENCRYPTION_KEY: string;
  ACCOUNTS_KEY_ROTATION_DAYS: number;
  ACCOUNTS_KEY_PREPUBLISH_MINUTES: number;
}

/** The key that seals the signing keys. Refuses the development key in production, like JWT_SECRET. */
export function keyEncryptionKeyFrom(config: Pick<KeysConfig, 'NODE_ENV' | 'ACCOUNTS_KEY_ENCRYPTION_KEY'>): Buffer {
  if (config.NODE_ENV === 'production' && config.ACCOUNTS_KEY_ENCRYPTION_KEY === DEVELOPMENT_KEY_ENCRYPTION_KEY) {
    throw new ConfigError(['ACCOUNTS_KEY_ENCRYPTION_KEY: must be set in production']);
  }
  if (!isBase64Of32Bytes(config.ACCOUNTS_KEY_ENCRYPTION_KEY)) throw new ConfigError([`ACCOUNTS_KEY_ENCRYPTION_KEY: ${base64Of32Bytes}`]);
  return Buffer.from(config.ACCOUNTS_KEY_ENCRYPTION_KEY, 'base64');
}
