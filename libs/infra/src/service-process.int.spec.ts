import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';
import { spawnService, waitUntilReady } from './service-process';

const run = promisify(execFile);
const infra = join(__dirname, '..', '..', '..', 'dist', 'libs', 'infra', 'src', 'index.js');

/** spawnService as the start command and the e2e tests use it, in a Node process of its own. */
describe('a spawned service process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'petalpost-service-process-'));
    // Any long-running program stands for a service here: what is tested is how it is run and stopped.
    await writeFile(join(dir, 'idle.js'), `setInterval(() => undefined, 1000);\nprocess.on('SIGTERM', () => process.exit(0));\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('once stopped, leaves nothing that keeps the process that stopped it running', async () => {
    const script = `
      const { spawnService } = require(${JSON.stringify(infra)});
      const service = spawnService('idle', ${JSON.stringify(join(dir, 'idle.js'))}, 'http://127.0.0.1:9', {}, ${JSON.stringify(join(dir, 'idle.log'))});
      setTimeout(() => service.stop().then(() => { console.log('stopped'); globalThis.stoppedAt = Date.now(); }), 300);
      process.on('exit', () => console.log('exited ' + (Date.now() - globalThis.stoppedAt) + ' ms after stop()'));
    `;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    const [stopped, exited] = stdout.trim().split('\n');
    expect(stopped).toBe('stopped');
    expect(Number(/exited (\d+) ms/.exec(exited)?.[1])).toBeLessThan(2_000);
  });

  it('is given up on at once when it is killed before it got ready', async () => {
    const service = spawnService('idle', join(dir, 'idle.js'), `http://127.0.0.1:${await freePort()}`, {}, join(dir, 'killed.log'));
    const waiting = waitUntilReady(service, 20_000).then(
      () => 'ready',
      (err: Error) => err.message,
    );
    await new Promise((resolve) => service.child.once('spawn', resolve));
    service.child.kill('SIGKILL');
    const startedWaiting = Date.now();
    expect(await waiting).toMatch(/^idle exited with signal SIGKILL/);
    expect(Date.now() - startedWaiting).toBeLessThan(5_000);
  });
});
