import { accountVerdict, addressVerdict, afterFailure, type AccountFailures, backoffMs, noFailures, type ThrottlePolicy } from './sign-in-throttle';

const policy: ThrottlePolicy = {
  freeFailures: 3,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  lockoutFailures: 10,
  addressFailures: 5,
  addressWindowMs: 15 * 60_000,
};
const t0 = new Date('2026-02-14T09:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const failedTimes = (n: number): AccountFailures => Array.from({ length: n }).reduce<AccountFailures>((f) => afterFailure(f, t0, policy), noFailures);

describe('sign-in throttle', () => {
  describe('per account', () => {
    it('lets the first few failures retry at once', () => {
      expect(accountVerdict(failedTimes(3), t0, policy)).toEqual({ allowed: true });
    });

    it('then makes each retry wait twice as long as the one before, up to the cap', () => {
      expect([4, 5, 6, 7, 20].map((n) => backoffMs(n, policy))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000]);
      expect(accountVerdict(failedTimes(5), at(1_500), policy)).toEqual({ allowed: false, reason: 'slowed', retryAfterMs: 500 });
      expect(accountVerdict(failedTimes(5), at(2_000), policy)).toEqual({ allowed: true });
    });

    it('locks the account at the tenth failure in a row, for good until unlocked', () => {
      expect(failedTimes(9).lockedAt).toBeUndefined();
      expect(failedTimes(10).lockedAt).toEqual(t0);
      expect(accountVerdict(failedTimes(10), at(365 * 24 * 3_600_000), policy)).toEqual({ allowed: false, reason: 'locked' });
    });
  });

  describe('per address', () => {
    const recent = (n: number) => Array.from({ length: n }, (_, i) => at(-i * 1_000));

    it('lets an address fail a few times within the window', () => {
      expect(addressVerdict(recent(4), t0, policy)).toEqual({ allowed: true });
    });

    it('makes it wait until the oldest counted failure leaves the window', () => {
      expect(addressVerdict(recent(7), t0, policy)).toEqual({ allowed: false, reason: 'slowed', retryAfterMs: 15 * 60_000 - 4_000 });
      expect(addressVerdict(recent(7), at(15 * 60_000 - 4_000), policy)).toEqual({ allowed: true });
    });
  });
});
