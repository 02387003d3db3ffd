import { ConfigError } from '@petalpost/platform';
import { z } from 'zod';

/**
 * Used when PERSONAL_DATA_KEY is unset, so a development start needs no setup; production refuses it.
 * It is public (it decodes to "petalpost-dev-personal-data-key!"): data sealed under it is not protected.
 */
export const DEVELOPMENT_PERSONAL_DATA_KEY = 'cGV0YWxwb3N0LWRldi1wZXJzb25hbC1kYXRhLWtleSE=';

const MASTER_KEY_BYTES = 32;

/** Strict: Buffer.from(…, 'base64') skips characters it does not know, so a mangled key would decode to something. */
function isBase64Of32Bytes(value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === MASTER_KEY_BYTES && bytes.toString('base64') === value;
}

const base64Of32Bytes = `must be base64 of ${MASTER_KEY_BYTES} random bytes (openssl rand -base64 ${MASTER_KEY_BYTES})`;

/** The vault's variables, to extend a service's config schema with. */
export const personalDataConfigShape = {
  PERSONAL_DATA_KEY: z.string().refine(isBase64Of32Bytes, base64Of32Bytes).default(DEVELOPMENT_PERSONAL_DATA_KEY),
};

/** The master key that wraps every person's key. Refuses the development key in production. */
export function masterKeyFrom(config: { PERSONAL_DATA_KEY: string; NODE_ENV: string }): Buffer {
  if (config.NODE_ENV === 'production' && config.PERSONAL_DATA_KEY === DEVELOPMENT_PERSONAL_DATA_KEY) {
    throw new ConfigError(['PERSONAL_DATA_KEY: must be set in production']);
  }
  if (!isBase64Of32Bytes(config.PERSONAL_DATA_KEY)) throw new ConfigError([`PERSONAL_DATA_KEY: ${base64Of32Bytes}`]);
  return Buffer.from(config.PERSONAL_DATA_KEY, 'base64');
}
