import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from './logger';
import { PeriodicTask, type PeriodicTaskDefinition } from './periodic-task';
import { ProcessorRegistry } from './processors';

const EVERY_MS = 10;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(5)) {
    if (Date.now() - started > 5_000) throw new Error(`waited 5 s for ${what}`);
  }
}

/** A pass that stays running until released, counting how many started, finished and ran at once. */
function heldPasses() {
  let letGo!: () => void;
  let held = new Promise<void>((resolve) => (letGo = resolve));
  const passes = {
    started: 0,
    finished: 0,
    mostAtOnce: 0,
    /** Lets the pass in flight finish; the next one is held again. */
    release() {
      letGo();
      held = new Promise<void>((resolve) => (letGo = resolve));
    },
  };
  const pass = async () => {
    passes.started++;
    passes.mostAtOnce = Math.max(passes.mostAtOnce, passes.started - passes.finished);
    await held;
    passes.finished++;
  };
  return { passes, pass };
}

function taskOf(definition: Partial<PeriodicTaskDefinition> & Pick<PeriodicTaskDefinition, 'pass'>, registry?: ProcessorRegistry) {
  const lines: string[] = [];
  const logger = createLogger('periodic-task-spec', 'info', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
  const task = new PeriodicTask({ name: 'spec-sweep', everyMs: EVERY_MS, failure: 'spec sweep failed; the next one retries', ...definition }, logger, registry);
  return { task, lines };
}

describe('PeriodicTask', () => {
  it('never starts a pass while the last one still runs', async () => {
    const { passes, pass } = heldPasses();
    const { task } = taskOf({ pass });
    task.start();
    try {
      await until(() => passes.started === 1, 'the first pass');
      await sleep(EVERY_MS * 6);
      expect(passes.started).toBe(1);
      passes.release();
      await until(() => passes.started === 2, 'the next pass once the first was over');
      expect(passes.mostAtOnce).toBe(1);
    } finally {
      passes.release();
      await task.stop();
    }
  });

  it('stops only once the pass in flight is over, and starts none after', async () => {
    const { passes, pass } = heldPasses();
    const { task } = taskOf({ pass });
    task.start();
    await until(() => passes.started === 1, 'a pass in flight');

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await sleep(EVERY_MS * 3);
    expect(stopped).toBe(false);

    passes.release();
    await stopping;
    expect(passes.finished).toBe(1);
    await sleep(EVERY_MS * 3);
    expect(passes.started).toBe(1);
  });

  it('logs a failed pass and reports its error until a later pass succeeds', async () => {
    let calls = 0;
    const { task, lines } = taskOf({
      pass: async () => {
        if (++calls === 1) throw new Error('database went away');
      },
    });
    await task.runPass();
    expect(task.status()).toMatchObject({ name: 'spec-sweep', ready: true, details: { lastError: 'database went away' } });
    expect(task.status().lastProgressAt).toBeUndefined();
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', task: 'spec-sweep', msg: 'spec sweep failed; the next one retries' }),
    ]);

    await task.runPass();
    expect(task.status().details).toEqual({});
    expect(Date.parse(task.status().lastProgressAt ?? '')).not.toBeNaN();
  });

  it('is listed among the processors, with its details, from start to stop', async () => {
    const registry = new ProcessorRegistry();
    let swept = 0;
    const { task } = taskOf({ pass: async () => void swept++, details: () => ({ swept }) }, registry);

    task.start();
    await until(() => swept > 0, 'a pass');
    expect(registry.statuses()).toEqual([expect.objectContaining({ name: 'spec-sweep', ready: true, details: { swept } })]);

    await task.stop();
    expect(registry.statuses()).toEqual([]);
  });
});
