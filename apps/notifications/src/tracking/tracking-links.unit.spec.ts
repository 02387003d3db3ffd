import { TokenService } from '@petalpost/auth';
import { mintTrackingToken, orderOfTrackingToken, trackingLinkOf } from './tracking-links';

const tokens = new TokenService('a-test-secret-that-is-long-enough-0123456789');
const order = { orderId: 'o1', window: { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z' }, status: 'accepted' as const, reachedAt: {} };
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number; role: string; orderId: string };

describe('a tracking link', () => {
  it('carries a customer token for that one order', () => {
    const token = mintTrackingToken(tokens, order, new Date('2026-02-13T09:00:00Z'), 60);
    expect(tokens.verify(token)).toMatchObject({ role: 'customer', orderId: 'o1' });
    expect(orderOfTrackingToken(tokens, token)).toBe('o1');
  });

  it('has a token that lasts, at the outside, the given days past the delivery window', () => {
    // The token's clock is the real one.
    const now = new Date();
    const windowEnd = now.getTime() + 2 * 60 * 60_000;
    const token = mintTrackingToken(tokens, { ...order, window: { from: now.toISOString(), to: new Date(windowEnd).toISOString() } }, now, 60);
    expect(Math.abs(claims(token).exp * 1000 - (windowEnd + 60 * 24 * 60 * 60_000))).toBeLessThan(2_000);
  });

  it('is for no order when the token is not a customer’s, or not ours', () => {
    expect(orderOfTrackingToken(tokens, tokens.sign({ role: 'staff', sub: 'alice', shopId: 's1' }))).toBeUndefined();
    expect(
      orderOfTrackingToken(tokens, new TokenService('another-secret-that-is-long-enough-012345').sign({ role: 'customer', sub: 'x', orderId: 'o1' })),
    ).toBeUndefined();
    expect(orderOfTrackingToken(tokens, 'garbage')).toBeUndefined();
  });

  it('names when it stops working only once the order is over', () => {
    const options = { baseUrl: 'https://track.example.com/', now: new Date('2026-02-14T13:00:00Z'), tokenDays: 60, graceHours: 24 };
    expect(trackingLinkOf(tokens, order, options)).toEqual({ url: expect.stringMatching(/^https:\/\/track\.example\.com\/track\/[\w-]+\.[\w-]+\.[\w-]+$/) });
    const delivered = { ...order, status: 'delivered' as const, reachedAt: { delivered: '2026-02-14T13:30:00.000Z' } };
    expect(trackingLinkOf(tokens, delivered, options)).toMatchObject({ expiresAt: '2026-02-15T13:30:00.000Z' });
  });
});
