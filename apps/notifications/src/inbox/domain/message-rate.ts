/**
 * A token bucket per connection: `burst` messages at once, refilled at `perSecond`. Pure (the
 * time comes in), so a connection's limit is a value it carries and tests are exact.
 */
export interface MessageRate {
  perSecond: number;
  burst: number;
}

export interface Bucket {
  tokens: number;
  /** When `tokens` was last worked out, in ms. */
  at: number;
}

export function fullBucket(rate: MessageRate, nowMs: number): Bucket {
  return { tokens: rate.burst, at: nowMs };
}

/** Takes one message's token if there is one; the bucket afterwards either way. */
export function takeToken(bucket: Bucket, rate: MessageRate, nowMs: number): { allowed: boolean; bucket: Bucket } {
  const refilled = Math.min(rate.burst, bucket.tokens + (Math.max(0, nowMs - bucket.at) * rate.perSecond) / 1000);
  if (refilled < 1) return { allowed: false, bucket: { tokens: refilled, at: nowMs } };
  return { allowed: true, bucket: { tokens: refilled - 1, at: nowMs } };
}
