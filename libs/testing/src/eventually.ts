import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries an assertion until it passes or the time is up, then throws its last failure: for
 * effects that cross Kafka, which arrive soon but not at once.
 */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(intervalMs);
    }
  }
}
