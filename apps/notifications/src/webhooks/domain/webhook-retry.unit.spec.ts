import { DEFAULT_RETRY_POLICY, delayCeilingMs, nextStep, retryDelayMs, type RetryPolicy } from './webhook-retry';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 5_000, jitter: 1 };
const exact: RetryPolicy = { ...policy, jitter: 0 };
const minute = 60_000;

describe('the backoff schedule', () => {
  it('doubles from the base delay and stops growing at the maximum', () => {
    expect([1, 2, 3, 4, 5].map((failed) => retryDelayMs(exact, failed, 0.5))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('draws each delay between 0 and its ceiling with full jitter', () => {
    expect(retryDelayMs(policy, 3, 0)).toBe(4_000);
    expect(retryDelayMs(policy, 3, 0.25)).toBe(3_000);
    expect(retryDelayMs(policy, 3, 0.999_999)).toBe(0);
  });

  it('keeps a floor of (1 - jitter) of the ceiling with partial jitter', () => {
    expect(retryDelayMs({ ...policy, jitter: 0.5 }, 2, 0.999_999)).toBe(1_000);
    expect(retryDelayMs({ ...policy, jitter: 0.5 }, 2, 0)).toBe(2_000);
  });

  it('spreads the default 8 attempts over at most about an hour', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((failed) => delayCeilingMs(DEFAULT_RETRY_POLICY, failed));
    expect(ceilings).toEqual([0.5, 1, 2, 4, 8, 16, 30].map((m) => m * minute));
    expect(ceilings.reduce((a, b) => a + b, 0)).toBe(61.5 * minute);
  });

  it('does not overflow after very many failures', () => {
    expect(retryDelayMs(exact, 2_000, 0)).toBe(5_000);
  });
});

describe('after an attempt', () => {
  it('is delivered on any 2xx answer', () => {
    for (const status of [200, 201, 202, 204, 299]) expect(nextStep({ kind: 'response', status }, 1, policy, 0)).toEqual({ kind: 'delivered' });
  });

  it('switches the subscription off on 410 Gone, even on the first attempt', () => {
    expect(nextStep({ kind: 'response', status: 410 }, 1, policy, 0)).toEqual({ kind: 'gone' });
  });

  it('tries again later after a failure answer, a redirect or a network error', () => {
    expect(nextStep({ kind: 'response', status: 500 }, 1, exact, 0)).toEqual({ kind: 'retry', delayMs: 1_000 });
    expect(nextStep({ kind: 'response', status: 302 }, 2, exact, 0)).toEqual({ kind: 'retry', delayMs: 2_000 });
    expect(nextStep({ kind: 'error', message: 'ECONNREFUSED' }, 3, exact, 0)).toEqual({ kind: 'retry', delayMs: 4_000 });
  });

  it('parks the delivery as a dead letter when the last attempt failed', () => {
    expect(nextStep({ kind: 'response', status: 503 }, 5, policy, 0)).toEqual({ kind: 'dead_letter' });
    expect(nextStep({ kind: 'error', message: 'timed out' }, 5, policy, 0)).toEqual({ kind: 'dead_letter' });
  });
});
