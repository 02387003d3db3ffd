import { DomainError } from '@petalpost/contracts';
import { bearerToken, TokenService } from './tokens';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('bearer tokens', () => {
  const tokens = new TokenService(secret);

  it('carries role, subject and shop from signing to verifying', () => {
    const token = tokens.sign({ role: 'dispatcher', sub: 'carol', shopId: 's1' });
    expect(tokens.verify(token)).toEqual({ role: 'dispatcher', sub: 'carol', shopId: 's1' });
  });

  it('says when a token expires, so a connection opened with it can end then', () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { principal, expiresAt } = tokens.verifyWithExpiry(tokens.sign({ role: 'staff', sub: 'alice', shopId: 's1' }, 90));
    expect(principal).toEqual({ role: 'staff', sub: 'alice', shopId: 's1' });
    expect(expiresAt!.getTime() - before).toBeGreaterThanOrEqual(90_000);
    expect(expiresAt!.getTime() - before).toBeLessThanOrEqual(91_000);
  });

  it('scopes a customer token to one order', () => {
    expect(tokens.verify(tokens.sign({ role: 'customer', sub: 'buyer-1', orderId: 'o1' }))).toMatchObject({ role: 'customer', orderId: 'o1' });
    expect(() => tokens.sign({ role: 'customer', sub: 'buyer-1' })).toThrow(/one order/);
  });

  it('refuses a shop role without a shop', () => {
    expect(() => tokens.sign({ role: 'staff', sub: 'alice' })).toThrow(/shopId/);
  });

  it.each([
    ['missing', undefined, 'TOKEN_MISSING'],
    ['garbage', 'not.a.token', 'TOKEN_INVALID'],
    ['signed with another secret', new TokenService(`${secret}-other`).sign({ role: 'operator', sub: 'mallory' }), 'TOKEN_INVALID'],
    ['expired', tokens.sign({ role: 'operator', sub: 'olga' }, -10), 'TOKEN_INVALID'],
  ])('refuses a %s token as unauthenticated', (_case, token, code) => {
    let error: unknown;
    try {
      tokens.verify(token);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unauthenticated', code });
  });

  it('reads only well-formed Authorization headers', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
