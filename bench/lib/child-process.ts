import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** Children still running when the bench exits (an error, Ctrl-C) are stopped with it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

/** Keeps `child` on the list above; the returned stop sends SIGTERM, then SIGKILL after 15 s, once. */
export function track(child: ChildProcess): () => Promise<void> {
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const inTime = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)]);
        if (!inTime) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      running.delete(child);
    })());
}
