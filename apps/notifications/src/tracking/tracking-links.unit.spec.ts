import { randomBytes } from 'node:crypto';
import { endOfLinkId, isLinkId, LINK_POSTS_COUNTED, linkEndsAt, linkIdHash, linkOuterLimit, linkPostingWait, newLinkId, trackingUrl } from './tracking-links';

const order = { orderId: 'o1', window: { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z' }, status: 'accepted' as const, reachedAt: {} };
const secondsBefore = (now: string, seconds: number) => new Date(Date.parse(now) - seconds * 1000).toISOString();

describe('a tracking link id', () => {
  it('is 256 random bits, in base64url: 43 characters that fit a URL path', () => {
    const id = newLinkId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(newLinkId()).not.toBe(id);
    expect(newLinkId(Buffer.alloc(32, 0xff))).toBe('_'.repeat(42) + '8');
    expect(() => newLinkId(randomBytes(16))).toThrow(/32 random bytes/);
  });

  it('is told apart from anything else before it is looked up: a JWT, a short or padded id is not one', () => {
    expect(isLinkId(newLinkId())).toBe(true);
    for (const other of ['', 'not-a-token', newLinkId().slice(1), `${newLinkId()}=`, 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', `${newLinkId().slice(1)}.`]) {
      expect(isLinkId(other)).toBe(false);
    }
  });

  it('is kept as its SHA-256 only, and shown to staff by its last 4 characters', () => {
    const id = newLinkId();
    expect(linkIdHash(id)).toHaveLength(32);
    expect(linkIdHash(id).equals(linkIdHash(id))).toBe(true);
    expect(linkIdHash(id).toString('base64url')).not.toContain(id);
    expect(endOfLinkId(id)).toBe(id.slice(-4));
    expect(trackingUrl('https://track.example.com/', id)).toBe(`https://track.example.com/track/${id}`);
  });
});

describe('a tracking link’s end', () => {
  it('is fixed when minted: the given days past the delivery window, or past now for a window already over', () => {
    expect(linkOuterLimit(order, new Date('2026-02-13T09:00:00Z'), 60).toISOString()).toBe('2026-04-15T14:00:00.000Z');
    expect(linkOuterLimit(order, new Date('2026-03-01T09:00:00Z'), 60).toISOString()).toBe('2026-04-30T09:00:00.000Z');
  });

  it('comes earlier when the order is over: a grace period after it was delivered', () => {
    const outer = '2026-04-15T14:00:00.000Z';
    expect(linkEndsAt(outer, order, 24)).toBe(outer);
    const delivered = { ...order, status: 'delivered' as const, reachedAt: { delivered: '2026-02-14T13:30:00.000Z' } };
    expect(linkEndsAt(outer, delivered, 24)).toBe('2026-02-15T13:30:00.000Z');
    // Never later than its own end, however long the grace period.
    expect(linkEndsAt('2026-02-14T20:00:00.000Z', delivered, 24)).toBe('2026-02-14T20:00:00.000Z');
  });
});

describe('what one link may send', () => {
  const now = '2026-02-14T13:00:00.000Z';

  it('is a handful a minute: the sixth within 60 seconds waits until the first is a minute old', () => {
    expect(linkPostingWait([], now)).toBeUndefined();
    const five = [1, 2, 3, 4, 50].map((s) => secondsBefore(now, s));
    expect(linkPostingWait(five.slice(0, 4), now)).toBeUndefined();
    expect(linkPostingWait(five, now)).toEqual({ seconds: 10, limit: { posts: 5, perSeconds: 60 } });
    expect(
      linkPostingWait(
        [1, 2, 3, 4, 61].map((s) => secondsBefore(now, s)),
        now,
      ),
    ).toBeUndefined();
  });

  it('is capped a day: the 31st within 24 hours waits until the first is a day old, however slowly they came', () => {
    const hourly = Array.from({ length: 30 }, (_, i) => secondsBefore(now, 120 + i * 2_700));
    expect(linkPostingWait(hourly.slice(0, 29), now)).toBeUndefined();
    const wait = linkPostingWait(hourly, now);
    expect(wait?.limit).toEqual({ posts: 30, perSeconds: 86_400 });
    expect(wait?.seconds).toBe(86_400 - (120 + 29 * 2_700));
    expect(LINK_POSTS_COUNTED).toBe(30);
  });

  it('names the limit that holds it back longest when both do', () => {
    const burst = [...[1, 2, 3, 4, 5].map((s) => secondsBefore(now, s)), ...Array.from({ length: 25 }, (_, i) => secondsBefore(now, 600 + i * 60))];
    expect(linkPostingWait(burst, now)?.limit.perSeconds).toBe(86_400);
  });
});
