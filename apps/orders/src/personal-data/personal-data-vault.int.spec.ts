import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { PersonalDataKeys1764000000300 } from './personal-data.migration';
import { isSealed, PersonalDataVault, PersonErased, type Sealed } from './personal-data-vault';

const masterKey = randomBytes(32);
const recipient = { name: 'Zoë Ångström', phone: '+31 6 1234 5678', address: 'Keizersgracht 123, Amsterdam', card: 'Happy birthday, love!' };

/** The documented format, opened without the vault: iv(12) | tag(16) | ciphertext, AES-256-GCM, AAD = personId. */
function openIndependently(key: Buffer, box: Buffer, personId: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, 12), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(personId));
  decipher.setAuthTag(box.subarray(12, 28));
  return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]);
}

describe('personal data vault (real PostgreSQL)', () => {
  let db: TestDatabase;
  let vault: PersonalDataVault;
  const newPerson = (shopId = 's1') => ({ personId: `p-${randomUUID()}`, shopId });
  const keyRows = (personId: string) =>
    db.dataSource.query<Array<{ shop_id: string; wrapped_key: Buffer | null; erased_at: Date | null }>>(
      `SELECT shop_id, wrapped_key, erased_at FROM person_keys WHERE person_id = $1`,
      [personId],
    );

  beforeAll(async () => {
    db = await createTestDatabase({ migrations: [PersonalDataKeys1764000000300], prefix: 'pdv' });
    vault = new PersonalDataVault(db.dataSource, masterKey);
  });
  afterAll(() => db.drop());

  it('opens what it sealed: objects and strings', async () => {
    const person = newPerson();
    const object = await vault.seal(person, recipient);
    const text = await vault.seal(person, 'Ring twice, the bell is broken');
    expect(isSealed(object)).toBe(true);
    expect(object.personId).toBe(person.personId);
    expect(await vault.open(object)).toEqual(recipient);
    expect(await vault.open(text)).toBe('Ring twice, the bell is broken');
  });

  it('leaves no plaintext in the sealed value', async () => {
    const sealed = await vault.seal(newPerson(), recipient);
    const bytes = Buffer.from(sealed.sealed, 'base64url');
    for (const plain of Object.values(recipient)) {
      expect(bytes.includes(Buffer.from(plain))).toBe(false);
      expect(sealed.sealed).not.toContain(plain);
    }
    expect(bytes.includes(Buffer.from(JSON.stringify(recipient)))).toBe(false);
  });

  it('seals the same value twice into different ciphertexts', async () => {
    const person = newPerson();
    const first = await vault.seal(person, recipient);
    const second = await vault.seal(person, recipient);
    expect(first.sealed).not.toBe(second.sealed);
    expect(await vault.openAll([first, second])).toEqual([recipient, recipient]);
  });

  it('stores the person key wrapped by the master key, never raw', async () => {
    const person = newPerson('s7');
    const sealed = await vault.seal(person, recipient);
    const [row] = await keyRows(person.personId);
    expect(row.shop_id).toBe('s7');
    const wrapped = row.wrapped_key!;
    expect(wrapped).toHaveLength(12 + 16 + 32);
    const personKey = openIndependently(masterKey, wrapped, person.personId);
    expect(personKey).toHaveLength(32);
    expect(wrapped.includes(personKey)).toBe(false);
    // The unwrapped key is the one the value was sealed with: the format is as documented.
    const json = openIndependently(personKey, Buffer.from(sealed.sealed, 'base64url'), person.personId);
    expect(JSON.parse(json.toString())).toEqual(recipient);
  });

  it('makes every value of an erased person unreadable, and nobody else’s', async () => {
    const erased = newPerson('s2');
    const other = newPerson('s2');
    const erasedValues = [await vault.seal(erased, recipient), await vault.seal(erased, 'card message')];
    const otherValue = await vault.seal(other, 'still here');

    const erasure = await vault.erase(erased.personId);

    expect(erasure).toEqual({ shopId: 's2', erasedAt: expect.any(String), alreadyErased: false });
    expect(await vault.openAll(erasedValues)).toEqual([undefined, undefined]);
    expect(await vault.open(otherValue)).toBe('still here');
    const [row] = await keyRows(erased.personId);
    expect(row.wrapped_key).toBeNull();
    expect(row.erased_at?.toISOString()).toBe(erasure!.erasedAt);
  });

  it('erases twice without complaint, telling the second time it already was', async () => {
    const person = newPerson('s3');
    await vault.seal(person, recipient);
    const first = await vault.erase(person.personId);
    const second = await vault.erase(person.personId);
    expect(second).toEqual({ shopId: 's3', erasedAt: first!.erasedAt, alreadyErased: true });
  });

  it('knows nothing of a person never seen', async () => {
    expect(await vault.erase('p-unknown')).toBeUndefined();
    expect(await vault.shopOf('p-unknown')).toBeUndefined();
  });

  it('tells the shop of a person, erased or not', async () => {
    const person = newPerson('s4');
    await vault.seal(person, recipient);
    expect(await vault.shopOf(person.personId)).toBe('s4');
    await vault.erase(person.personId);
    expect(await vault.shopOf(person.personId)).toBe('s4');
  });

  it('refuses to seal anything more of an erased person', async () => {
    const person = newPerson();
    await vault.seal(person, recipient);
    await vault.erase(person.personId);
    const refusal = vault.seal(person, recipient);
    await expect(refusal).rejects.toBeInstanceOf(PersonErased);
    await expect(refusal).rejects.toMatchObject({ kind: 'conflict', code: 'PERSON_ERASED' });
    expect(await keyRows(person.personId)).toEqual([expect.objectContaining({ wrapped_key: null })]);
  });

  it('gives 20 concurrent first seals of one person one key, which opens all of them', async () => {
    const person = newPerson();
    const sealed = await Promise.all(Array.from({ length: 20 }, (_, i) => vault.seal(person, { n: i })));
    expect(await keyRows(person.personId)).toHaveLength(1);
    expect(await vault.openAll(sealed)).toEqual(Array.from({ length: 20 }, (_, i) => ({ n: i })));
  });

  it('seals and erases inside the caller’s transaction, and a rollback undoes both', async () => {
    const person = newPerson();
    const sealed = await db.dataSource.transaction(async (manager) => {
      const value = await vault.seal(person, recipient, manager);
      expect(await vault.open(value, manager)).toEqual(recipient);
      return value;
    });
    await db.dataSource
      .transaction(async (manager) => {
        await vault.erase(person.personId, manager);
        expect(await vault.open(sealed, manager)).toBeUndefined();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await vault.open(sealed)).toEqual(recipient);
  });

  it('cannot open anything with another master key, and says so by undefined', async () => {
    const sealed = await vault.seal(newPerson(), recipient);
    const impostor = new PersonalDataVault(db.dataSource, randomBytes(32));
    expect(await impostor.open(sealed)).toBeUndefined();
  });

  it('opens a mix of erased and live persons in order', async () => {
    const live = newPerson();
    const erased = newPerson();
    const values: Sealed[] = [
      await vault.seal(live, 'a'),
      await vault.seal(erased, 'b'),
      await vault.seal(live, 'c'),
      await vault.seal(erased, 'd'),
      { personId: 'p-never-seen', sealed: 'AAAA' },
    ];
    await vault.erase(erased.personId);
    expect(await vault.openAll(values)).toEqual(['a', undefined, 'c', undefined, undefined]);
    expect(await vault.openAll([])).toEqual([]);
  });

  it('opens nothing that was tampered with or moved to another person', async () => {
    const person = newPerson();
    const other = newPerson();
    await vault.seal(other, 'other');
    const sealed = await vault.seal(person, recipient);
    const bytes = Buffer.from(sealed.sealed, 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(await vault.open({ ...sealed, sealed: bytes.toString('base64url') })).toBeUndefined();
    expect(await vault.open({ ...sealed, sealed: sealed.sealed.slice(0, 20) })).toBeUndefined();
    expect(await vault.open({ ...sealed, sealed: 'not base64url at all!' })).toBeUndefined();
    expect(await vault.open({ ...sealed, personId: other.personId })).toBeUndefined();
  });

  it('keeps in each row either a key or a tombstone, never both or neither', async () => {
    const insert = (wrappedKey: Buffer | null, erasedAt: string | null) =>
      db.dataSource.query(`INSERT INTO person_keys (person_id, shop_id, wrapped_key, erased_at) VALUES ($1, 's1', $2, $3)`, [
        `p-${randomUUID()}`,
        wrappedKey,
        erasedAt,
      ]);
    await expect(insert(randomBytes(60), new Date().toISOString())).rejects.toThrow(/person_keys_key_xor_tombstone/);
    await expect(insert(null, null)).rejects.toThrow(/person_keys_key_xor_tombstone/);
  });

  it('refuses a master key that is not 32 bytes', () => {
    expect(() => new PersonalDataVault(db.dataSource, randomBytes(16))).toThrow(/32 bytes/);
  });
});
