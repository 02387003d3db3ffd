import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * Preloaded (`node -r`) into the orders service under test so the bench can CPU-profile exactly
 * its load window, not the service's start-up: the first SIGWINCH starts V8's sampling profiler
 * (250 µs, like the bench's own profiles), the next writes the profile to BENCH_CPU_PROFILE_FILE.
 * Until signalled it does nothing. `<file>.started` tells the bench the profiler is running.
 * SIGWINCH because Nest's shutdown hooks take SIGUSR2 (and Node SIGUSR1), and without this hook
 * its default is to be ignored.
 */
const file = process.env.BENCH_CPU_PROFILE_FILE;

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
}

if (file) {
  let session: Session | undefined;
  process.on('SIGWINCH', () => {
    if (!session) {
      const started = new Session();
      session = started;
      started.connect();
      void (async () => {
        await post(started, 'Profiler.enable');
        await post(started, 'Profiler.setSamplingInterval', { interval: 250 });
        await post(started, 'Profiler.start');
        writeFileSync(`${file}.started`, '');
      })();
      return;
    }
    const running = session;
    session = undefined;
    void (async () => {
      const { profile } = (await post(running, 'Profiler.stop')) as { profile: unknown };
      running.disconnect();
      // Written whole, then renamed: the bench reads it as soon as the name appears.
      writeFileSync(`${file}.tmp`, JSON.stringify(profile));
      renameSync(`${file}.tmp`, file);
    })();
  });
}
