import { isPickupCode, PICKUP_CODE_ALPHABET, PICKUP_CODE_LENGTH, pickupCodeFrom, wrongPickupCodes } from './pickup-code';

describe('pickup codes', () => {
  it('are made of signs that cannot be misread on a label', () => {
    expect(PICKUP_CODE_ALPHABET).toHaveLength(32);
    for (const misread of ['0', 'O', '1', 'I']) expect(PICKUP_CODE_ALPHABET).not.toContain(misread);
  });

  it('take one sign per random byte, each sign as likely as any other', () => {
    expect(pickupCodeFrom(Uint8Array.from([0, 31, 32, 63, 255]))).toBe('2Z2ZZ');
    expect(pickupCodeFrom(Uint8Array.from([8, 9, 10, 11, 12, 99]))).toBe('ABCDE');
    const counts = new Map<string, number>();
    for (let byte = 0; byte < 256; byte++) {
      const sign = pickupCodeFrom(Uint8Array.from([byte, 0, 0, 0, 0]))[0];
      counts.set(sign, (counts.get(sign) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual(Array(32).fill(8));
  });

  it('need enough random bytes', () => {
    expect(() => pickupCodeFrom(Uint8Array.from([1, 2, 3]))).toThrow(`${PICKUP_CODE_LENGTH} random bytes`);
  });

  it('are recognised by their shape', () => {
    expect(isPickupCode('K7PQ2')).toBe(true);
    for (const wrong of ['', 'K7PQ', 'K7PQ22', 'k7pq2', 'K7PQ0', 'K7PQO', 'K7PQ1', 'K7PQI']) expect(isPickupCode(wrong)).toBe(false);
  });

  it('entered wrong are counted from the order’s pickup attempts', () => {
    const wrong = { type: 'WrongPickupCodeEntered' };
    expect(wrongPickupCodes([])).toBe(0);
    expect(wrongPickupCodes([wrong, wrong, { type: 'SomethingElse' }])).toBe(2);
  });
});
