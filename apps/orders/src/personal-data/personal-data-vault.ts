import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError } from '@petalpost/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Sealed } from './domain/personal-data';

/**
 * Sealed values (domain/personal-data.ts) are opaque everywhere except here: `sealed` is
 * base64url(iv(12) | tag(16) | ciphertext) of the value's JSON, AES-256-GCM with AAD = personId.
 */
export type { Sealed };

export const SealedSchema = z.object({ personId: z.string(), sealed: z.string() });

export function isSealed(value: unknown): value is Sealed {
  return SealedSchema.safeParse(value).success;
}

export class PersonErased extends DomainError {
  constructor(personId: string) {
    super('conflict', 'PERSON_ERASED', `person ${personId} was erased: no personal data of theirs can be recorded again`, { personId });
  }
}

export interface Erasure {
  shopId: string;
  erasedAt: string;
  alreadyErased: boolean;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** iv | tag | ciphertext. The AAD binds the box to one person: moved onto another person, it no longer opens. */
function encrypt(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or undefined when the box was altered, or made with another key or for another AAD. */
function decrypt(key: Buffer, box: Buffer, aad: string): Buffer | undefined {
  if (box.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

interface KeyRow {
  person_id: string;
  wrapped_key: Buffer | null;
}

interface PersonRow {
  shop_id: string;
  erased_at: Date | null;
}

/**
 * Personal data (names, phones, addresses, card messages) is sealed under a key per person, so
 * erasing a person is deleting one key: the append-only log keeps its events, and every copy of
 * the person's data in it becomes unreadable. Keys are stored wrapped by the master key, so a
 * database dump alone opens nothing. Keys are read on every call, never cached: a cached key
 * would outlive an erasure made on another replica.
 */
export class PersonalDataVault {
  constructor(
    private readonly dataSource: DataSource,
    private readonly masterKey: Buffer,
  ) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`the personal data master key must be ${KEY_BYTES} bytes, not ${masterKey.length}`);
  }

  /** Encrypts under the person's key, creating it on first use; refuses a person who was erased. */
  async seal<T>(person: { personId: string; shopId: string }, value: T, manager?: EntityManager): Promise<Sealed> {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError('only JSON values can be sealed');
    const key = await this.keyToSealWith(person, manager ?? this.dataSource.manager);
    return { personId: person.personId, sealed: encrypt(key, Buffer.from(json, 'utf8'), person.personId).toString('base64url') };
  }

  /** In order: each value, or undefined when its person was erased (or its key cannot open it). One query for all. */
  async openAll<T>(sealed: readonly Sealed[], manager?: EntityManager): Promise<Array<T | undefined>> {
    const personIds = [...new Set(sealed.map((s) => s.personId))];
    if (personIds.length === 0) return [];
    const rows = await (manager ?? this.dataSource.manager).query<KeyRow[]>(
      `SELECT person_id, wrapped_key FROM person_keys WHERE person_id = ANY($1::text[])`,
      [personIds],
    );
    const keys = new Map(rows.map((row) => [row.person_id, row.wrapped_key && decrypt(this.masterKey, row.wrapped_key, row.person_id)]));
    return sealed.map(({ personId, sealed: box }) => {
      const key = keys.get(personId);
      const json = key ? decrypt(key, Buffer.from(box, 'base64url'), personId) : undefined;
      return json === undefined ? undefined : (JSON.parse(json.toString('utf8')) as T);
    });
  }

  async open<T>(sealed: Sealed, manager?: EntityManager): Promise<T | undefined> {
    const [value] = await this.openAll<T>([sealed], manager);
    return value;
  }

  /** Deletes the person's key for good, leaving a tombstone. Undefined for a person never seen. */
  async erase(personId: string, manager?: EntityManager): Promise<Erasure | undefined> {
    const db = manager ?? this.dataSource.manager;
    // A second round only when a first seal created the key between the UPDATE and the read.
    for (let round = 1; round <= 2; round++) {
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [[erased]] = await db.query<[Array<{ shop_id: string; erased_at: Date }>, number]>(
        `UPDATE person_keys SET wrapped_key = NULL, erased_at = now()
          WHERE person_id = $1 AND erased_at IS NULL
          RETURNING shop_id, erased_at`,
        [personId],
      );
      if (erased) return { shopId: erased.shop_id, erasedAt: erased.erased_at.toISOString(), alreadyErased: false };
      const [person] = await db.query<PersonRow[]>(`SELECT shop_id, erased_at FROM person_keys WHERE person_id = $1`, [personId]);
      if (!person) return undefined;
      if (person.erased_at) return { shopId: person.shop_id, erasedAt: person.erased_at.toISOString(), alreadyErased: true };
    }
    throw new Error(`person ${personId} could not be erased: their key was recreated twice`);
  }

  /** The shop the person belongs to, erased or not: who may ask about or erase them. */
  async shopOf(personId: string): Promise<string | undefined> {
    const [person] = await this.dataSource.manager.query<PersonRow[]>(`SELECT shop_id FROM person_keys WHERE person_id = $1`, [personId]);
    return person?.shop_id;
  }

  private async keyToSealWith({ personId, shopId }: { personId: string; shopId: string }, db: EntityManager): Promise<Buffer> {
    // One round trip: offer a new key and get back whichever key the person has. Concurrent first
    // seals each offer one; the primary key keeps one. A seal that waited on another's insert
    // sees nothing in its own snapshot, and reads the winner's key once more.
    const offered = encrypt(this.masterKey, randomBytes(KEY_BYTES), personId);
    const [found] = await db.query<KeyRow[]>(
      `WITH offered AS (
         INSERT INTO person_keys (person_id, shop_id, wrapped_key) VALUES ($1, $2, $3)
         ON CONFLICT (person_id) DO NOTHING
         RETURNING person_id, wrapped_key)
       SELECT person_id, wrapped_key FROM offered
       UNION ALL
       SELECT person_id, wrapped_key FROM person_keys WHERE person_id = $1 AND NOT EXISTS (SELECT 1 FROM offered)`,
      [personId, shopId, offered],
    );
    const row = found ?? (await this.readKeyRow(db, personId));
    if (!row) throw new Error(`the key of person ${personId} was neither found nor created`);
    if (!row.wrapped_key) throw new PersonErased(personId);
    const key = decrypt(this.masterKey, row.wrapped_key, personId);
    if (!key) throw new Error(`the key of person ${personId} does not unwrap with this PERSONAL_DATA_KEY`);
    return key;
  }

  private async readKeyRow(db: EntityManager, personId: string): Promise<KeyRow | undefined> {
    const [row] = await db.query<KeyRow[]>(`SELECT person_id, wrapped_key FROM person_keys WHERE person_id = $1`, [personId]);
    return row;
  }
}

/**
 * A copy of `value` with every sealed value in it opened ("erased" where the key is gone):
 * how an audit reads recorded events. One key lookup for the whole value.
 */
export async function openWithin(vault: PersonalDataVault, value: unknown): Promise<unknown> {
  const found: Sealed[] = [];
  const collect = (v: unknown): void => {
    if (isSealed(v)) found.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect(value);
  if (found.length === 0) return value;
  const opened = new Map(found.map((s, i) => [s, i]));
  const values = await vault.openAll(found);
  const replace = (v: unknown): unknown => {
    if (isSealed(v)) return values[opened.get(v)!] ?? 'erased';
    if (Array.isArray(v)) return v.map(replace);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(value);
}
