import { DEFAULT_RESTART_POLICY, nextRestart } from './service-process';

describe('restarting a crashed service', () => {
  it('waits 1 s before the first restart, doubling with each crash in a row up to 30 s', () => {
    const delays: number[] = [];
    let attempt = 0;
    for (let crash = 0; crash < 8; crash++) {
      const restart = nextRestart(attempt, 500);
      expect(restart.attempt).toBe(attempt + 1);
      attempt = restart.attempt;
      delays.push(restart.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts from 1 s again once the service stayed up a minute', () => {
    expect(nextRestart(5, DEFAULT_RESTART_POLICY.resetAfterMs - 1)).toEqual({ attempt: 6, delayMs: 30_000 });
    expect(nextRestart(5, DEFAULT_RESTART_POLICY.resetAfterMs)).toEqual({ attempt: 1, delayMs: 1_000 });
  });

  it('keeps the delay at its ceiling however long a service keeps failing', () => {
    expect(nextRestart(10_000, 0)).toEqual({ attempt: 10_001, delayMs: 30_000 });
  });
});
