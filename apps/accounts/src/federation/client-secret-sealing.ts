import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const aadOf = (shopId: string) => Buffer.from(`identity-provider:${shopId}`, 'utf8');

/** A provider's client secret sealed for the database (AES-256-GCM), bound to its shop: copied to another shop's row, it does not open. */
export function sealClientSecret(kek: Buffer, shopId: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(aadOf(shopId));
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export function unsealClientSecret(kek: Buffer, shopId: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !data) throw new Error(`identity provider of shop ${shopId}: not a sealed secret of version ${VERSION}`);
  const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url')).setAAD(aadOf(shopId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`identity provider of shop ${shopId}: its client secret cannot be unsealed (another ACCOUNTS_KEY_ENCRYPTION_KEY, or altered)`);
  }
}
