import { type Bucket, fullBucket, type MessageRate, takeToken } from './message-rate';

const rate: MessageRate = { perSecond: 10, burst: 3 };

/** Takes `count` tokens at `nowMs`; which were allowed, and the bucket after. */
function take(bucket: Bucket, count: number, nowMs: number): { allowed: boolean[]; bucket: Bucket } {
  const allowed: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const result = takeToken(bucket, rate, nowMs);
    allowed.push(result.allowed);
    bucket = result.bucket;
  }
  return { allowed, bucket };
}

describe('a connection’s message rate', () => {
  it('allows a burst at once, then refuses until tokens refill', () => {
    expect(take(fullBucket(rate, 0), 5, 0).allowed).toEqual([true, true, true, false, false]);
  });

  it('refills at the rate: one message every 100 ms at 10 a second', () => {
    const empty = take(fullBucket(rate, 0), 3, 0).bucket;
    expect(take(empty, 2, 50).allowed).toEqual([false, false]);
    expect(take(empty, 2, 100).allowed).toEqual([true, false]);
    expect(take(empty, 3, 250).allowed).toEqual([true, true, false]);
  });

  it('never holds more than the burst, however long the connection was quiet', () => {
    expect(take(fullBucket(rate, 0), 5, 3_600_000).allowed).toEqual([true, true, true, false, false]);
  });

  it('refusing a message costs nothing: a client that stops flooding gets going again', () => {
    let bucket = take(fullBucket(rate, 0), 1_000, 0).bucket;
    bucket = take(bucket, 1_000, 10).bucket;
    expect(take(bucket, 1, 110).allowed).toEqual([true]);
  });
});
