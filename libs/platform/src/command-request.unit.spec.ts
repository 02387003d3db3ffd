import { callersIdempotencyKey, expectedVersionOf } from './command-request';

describe("a caller's Idempotency-Key", () => {
  it('is their own: the same key from two callers, or two shops, names two requests', () => {
    const alice = callersIdempotencyKey({ role: 'staff', sub: 'alice', shopId: 's1' }, 'checkout-42');
    expect(callersIdempotencyKey({ role: 'staff', sub: 'bob', shopId: 's1' }, 'checkout-42')).not.toBe(alice);
    expect(callersIdempotencyKey({ role: 'staff', sub: 'alice', shopId: 's2' }, 'checkout-42')).not.toBe(alice);
    expect(callersIdempotencyKey({ role: 'staff', sub: 'alice', shopId: 's1' }, 'checkout-42')).toBe(alice);
  });

  it('of a customer is scoped to their order', () => {
    const one = callersIdempotencyKey({ role: 'customer', sub: 'sam', orderId: 'o1' }, 'k');
    expect(callersIdempotencyKey({ role: 'customer', sub: 'sam', orderId: 'o2' }, 'k')).not.toBe(one);
  });
});

describe('If-Match as the version a command expects', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    [' "12" ', 12],
  ])('reads %s as version %d', (ifMatch, version) => {
    expect(expectedVersionOf({ ifMatch })).toBe(version);
  });

  it('expects nothing without If-Match', () => {
    expect(expectedVersionOf({})).toBeUndefined();
  });

  it('refuses an If-Match that is not a version with 400 BAD_IF_MATCH', () => {
    expect(() => expectedVersionOf({ ifMatch: '"abc"' })).toThrow(expect.objectContaining({ kind: 'invalid', code: 'BAD_IF_MATCH' }));
  });
});
