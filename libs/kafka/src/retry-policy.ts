import { setTimeout as sleep } from 'node:timers/promises';

/** How often a failing handler is tried before its message goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, initialDelayMs: 200, maxDelayMs: 2_000 };

/** Delay after the n-th failed try (1-based): doubling from the initial delay, capped. */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (failedAttempt - 1));
}

/** Waits, or returns false at once when the signal fires (a stopping consumer does not sit out its backoff). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
