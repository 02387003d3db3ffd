/**
 * How sign-in slows guessing: per account (its e-mail, known or not, so an unknown account is
 * treated exactly as a known one), a few free failures, then a doubling wait, then a lockout that
 * lasts until the person follows the e-mailed link or the shop's owner unlocks them; per client
 * address, a cap on failures within a sliding window.
 */
export interface ThrottlePolicy {
  /** Consecutive failures allowed before any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; it doubles with each further one. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Consecutive failures that lock the account. */
  lockoutFailures: number;
  /** Failures from one address within the window before it must wait. */
  addressFailures: number;
  addressWindowMs: number;
}

export interface AccountFailures {
  consecutive: number;
  lastFailureAt?: Date;
  lockedAt?: Date;
}

export type Verdict = { allowed: true } | { allowed: false; reason: 'locked' } | { allowed: false; reason: 'slowed'; retryAfterMs: number };

export const noFailures: AccountFailures = { consecutive: 0 };

/** The wait before the next attempt after `consecutive` failures in a row. */
export function backoffMs(consecutive: number, policy: ThrottlePolicy): number {
  const beyond = consecutive - policy.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.min(beyond - 1, 30));
}

/** May the account try now? */
export function accountVerdict(failures: AccountFailures, now: Date, policy: ThrottlePolicy): Verdict {
  if (failures.lockedAt) return { allowed: false, reason: 'locked' };
  const wait = backoffMs(failures.consecutive, policy);
  if (wait === 0 || !failures.lastFailureAt) return { allowed: true };
  const retryAfterMs = failures.lastFailureAt.getTime() + wait - now.getTime();
  return retryAfterMs > 0 ? { allowed: false, reason: 'slowed', retryAfterMs } : { allowed: true };
}

/** The account after one more failure: locked once the failures in a row reach the limit. */
export function afterFailure(failures: AccountFailures, now: Date, policy: ThrottlePolicy): AccountFailures {
  const consecutive = failures.consecutive + 1;
  return { consecutive, lastFailureAt: now, ...(failures.lockedAt || consecutive >= policy.lockoutFailures ? { lockedAt: failures.lockedAt ?? now } : {}) };
}

/** May the address try now, given its latest failures (newest first, within the window)? */
export function addressVerdict(recentFailures: readonly Date[], now: Date, policy: ThrottlePolicy): Verdict {
  if (recentFailures.length < policy.addressFailures) return { allowed: true };
  // It may try again once the oldest of its last `addressFailures` failures leaves the window.
  const oldestCounted = recentFailures[policy.addressFailures - 1];
  const retryAfterMs = oldestCounted.getTime() + policy.addressWindowMs - now.getTime();
  return retryAfterMs > 0 ? { allowed: false, reason: 'slowed', retryAfterMs } : { allowed: true };
}
