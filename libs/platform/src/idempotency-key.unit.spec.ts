import { idempotencyKeyProblem } from './idempotency-key';

describe('which Idempotency-Key values a service takes', () => {
  it.each([['checkout-42'], ['0b7e2c1a-6f7d-4d0e-9d1e-3f6a2b1c9e10'], ['k'.repeat(200)], ['a/b:c=d~!']])('takes %s', (key) => {
    expect(idempotencyKeyProblem(key)).toBeUndefined();
  });

  it('takes a request without one', () => {
    expect(idempotencyKeyProblem(undefined)).toBeUndefined();
  });

  it.each([
    ['longer than 200 characters', 'k'.repeat(201)],
    ['empty', ''],
    ['with a space', 'checkout 42'],
    ['outside ASCII', 'clé-42'],
    ['with a control character', 'a\u0001b'],
  ])('refuses a key %s with 400 IDEMPOTENCY_KEY_INVALID', (_case, key) => {
    expect(idempotencyKeyProblem(key)).toMatchObject({ kind: 'invalid', code: 'IDEMPOTENCY_KEY_INVALID' });
  });

  it('refuses a key sent twice', () => {
    expect(idempotencyKeyProblem(['a', 'b'])).toMatchObject({ code: 'IDEMPOTENCY_KEY_INVALID' });
  });
});
