import { DomainError } from '@petalpost/contracts';
import type { Principal } from './principal';
import { assertShopInScope, shopFilter, shopInScope } from './shop-scope';

const operator: Principal = { role: 'operator', sub: 'op' };
const staff: Principal = { role: 'staff', sub: 'alice', shopId: 's1' };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? { kind: err.kind, code: err.code } : err;
  }
  return undefined;
};

describe('the shop a request acts on', () => {
  it('is the one an operator names, and an operator must name one', () => {
    expect(shopInScope(operator, 's2')).toBe('s2');
    expect(refusal(() => shopInScope(operator, undefined))).toEqual({ kind: 'invalid', code: 'SHOP_REQUIRED' });
  });

  it("is the caller's own for everyone else, named or not", () => {
    expect(shopInScope(staff, undefined)).toBe('s1');
    expect(shopInScope(staff, 's1')).toBe('s1');
  });

  it('is not there when someone names another shop than their own', () => {
    expect(refusal(() => shopInScope(staff, 's2'))).toEqual({ kind: 'not_found', code: 'SHOP_NOT_FOUND' });
    expect(refusal(() => shopInScope(staff, 's2', () => new DomainError('invalid', 'SHOP_MISMATCH', 'own shop only')))).toEqual({
      kind: 'invalid',
      code: 'SHOP_MISMATCH',
    });
  });
});

describe('the shops a read covers', () => {
  it('are every shop for an operator who names none', () => {
    expect(shopFilter(operator, undefined)).toBeUndefined();
    expect(shopFilter(operator, 's2')).toBe('s2');
  });

  it("are the caller's own shop for everyone else, and another shop is not there", () => {
    expect(shopFilter(staff, undefined)).toBe('s1');
    expect(refusal(() => shopFilter(staff, 's2'))).toEqual({ kind: 'not_found', code: 'SHOP_NOT_FOUND' });
  });
});

describe('a shop named in the path', () => {
  it('is there for its own people and operators only', () => {
    expect(() => assertShopInScope(staff, 's1')).not.toThrow();
    expect(() => assertShopInScope(operator, 's9')).not.toThrow();
    expect(refusal(() => assertShopInScope(staff, 's2'))).toEqual({ kind: 'not_found', code: 'SHOP_NOT_FOUND' });
  });
});
