/**
 * What happens after each attempt to deliver a webhook: delivered on 2xx, the subscription
 * switched off on 410 Gone, otherwise tried again later with exponential backoff and jitter,
 * and parked as a dead letter once the attempts are used up.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Ceiling of the delay after the first failure; it doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * 1 = full jitter: the delay is drawn uniformly between 0 and its ceiling, so receivers that
   * failed together (an outage) are not hit again all at the same moment. 0 = exactly the ceiling.
   */
  jitter: number;
}

/** 8 attempts; without jitter they would come 30 s, 1, 2, 4, 8, 16 and 30 min apart: about an hour in all. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000, jitter: 1 };

/** The most a delay after `failedAttempts` failures (1-based) can be. */
export function delayCeilingMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
}

/** `random` is uniform in [0, 1) (the caller draws it), so the schedule is exact in tests. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number, random: number): number {
  return Math.round(delayCeilingMs(policy, failedAttempts) * (1 - policy.jitter * random));
}

export type AttemptResult = { kind: 'response'; status: number } | { kind: 'error'; message: string };

export type NextStep =
  | { kind: 'delivered' }
  /** The receiver says the endpoint is gone for good: stop sending to it at all. */
  | { kind: 'gone' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'dead_letter' };

export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300;
}

/** `attemptsMade` counts the attempt just made. */
export function nextStep(result: AttemptResult, attemptsMade: number, policy: RetryPolicy, random: number): NextStep {
  if (result.kind === 'response' && isDelivered(result.status)) return { kind: 'delivered' };
  if (result.kind === 'response' && result.status === 410) return { kind: 'gone' };
  if (attemptsMade >= policy.maxAttempts) return { kind: 'dead_letter' };
  return { kind: 'retry', delayMs: retryDelayMs(policy, attemptsMade, random) };
}
