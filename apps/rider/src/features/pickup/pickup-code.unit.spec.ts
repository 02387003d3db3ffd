import { parsePickupCode } from './pickup-code';

describe("reading the label's pickup code", () => {
  it('reads the code the QR carries, as the console prints it', () => {
    expect(parsePickupCode('K7PQ2')).toBe('K7PQ2');
  });

  it('reads a typed code whatever its case and spacing', () => {
    expect(parsePickupCode(' k7p q2 ')).toBe('K7PQ2');
  });

  it('reads a code carried in a link', () => {
    expect(parsePickupCode('https://shop.example/p?code=K7PQ2')).toBe('K7PQ2');
  });

  it('refuses what cannot be a code: wrong length or signs the labels never use', () => {
    expect(parsePickupCode('K7PQ')).toBeUndefined();
    expect(parsePickupCode('K7PQ0')).toBeUndefined();
    expect(parsePickupCode('hello world')).toBeUndefined();
  });
});
