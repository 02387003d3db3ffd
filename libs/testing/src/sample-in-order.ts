import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Reads a value over and over, one read at a time, until stopped: the samples come back in the
 * order they were observed. (Reads started on a timer can finish out of order on a busy pool,
 * which makes a monotonic value look as if it went back.) A failed read ends the sampling and
 * is thrown by stop().
 */
export function sampleInOrder<T>(read: () => Promise<T>, pauseMs = 10): { stop(): Promise<T[]> } {
  const samples: T[] = [];
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    try {
      while (running) {
        samples.push(await read());
        await sleep(pauseMs);
      }
    } catch (err) {
      failure = err;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (failure) throw failure;
      return samples;
    },
  };
}
