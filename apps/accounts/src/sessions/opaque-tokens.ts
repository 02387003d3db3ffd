import { createHash, randomBytes } from 'node:crypto';

/** An opaque secret of 32 random bytes (base64url), and the SHA-256 it is stored as: enough for a secret this long. */
export function newOpaqueToken(prefix = ''): { token: string; hash: Buffer } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOf(token) };
}

export function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
