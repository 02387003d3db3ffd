import { createCipheriv, createDecipheriv, type JsonWebKey, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * A signing key's private JWK sealed for the database: AES-256-GCM under the key-encryption key,
 * the key's id as associated data, so a sealed key copied to another row does not open there.
 */
export function sealPrivateJwk(kek: Buffer, kid: string, jwk: object): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(Buffer.from(kid, 'utf8'));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), sealed].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

/** Throws when the sealed text was made under another key-encryption key, for another kid, or was altered. */
export function unsealPrivateJwk(kek: Buffer, kid: string, sealed: string): JsonWebKey {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !data) throw new Error(`signing key ${kid}: not a sealed key of version ${VERSION}`);
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(kid, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')) as JsonWebKey;
  } catch {
    throw new Error(`signing key ${kid}: cannot be unsealed (another ACCOUNTS_KEY_ENCRYPTION_KEY, or altered)`);
  }
}
