import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals what the intake keeps that must not be readable from a database dump: the shops' webhook
 * secrets and write-back credentials, and the raw deliveries (which carry buyers' and recipients'
 * details). AES-256-GCM, iv | tag | ciphertext; the AAD binds a box to the row it belongs to, so a
 * box copied onto another row does not open. One key from config (ORDERS_INTAKE_SECRETS_KEY); the
 * digest key is derived from it, never the same bytes used twice for two purposes.
 */
export class SecretBox {
  private readonly digestKey: Buffer;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error(`the intake secrets key must be 32 bytes, not ${key.length}`);
    this.digestKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'petalpost intake digest', 32));
  }

  seal(plaintext: Buffer | string, aad: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
  }

  /** The plaintext; throws when the box was altered or sealed for another row or under another key. */
  open(box: Buffer, aad: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, box.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }

  sealJson(value: unknown, aad: string): Buffer {
    return this.seal(JSON.stringify(value), aad);
  }

  openJson<T>(box: Buffer, aad: string): T {
    return JSON.parse(this.open(box, aad).toString('utf8')) as T;
  }

  /** A keyed digest: tells whether two values are the same without keeping either (a changed address). */
  digest(value: unknown): string {
    return createHmac('sha256', this.digestKey)
      .update(JSON.stringify(value ?? null))
      .digest('base64url');
  }
}
