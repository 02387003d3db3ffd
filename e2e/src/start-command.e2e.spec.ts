import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@petalpost/infra';

const run = promisify(execFile);
const startCommand = join(__dirname, '..', '..', 'dist', 'tools', 'start', 'main.js');

describe('npm start, when it cannot start', () => {
  let blocker: Server;
  let takenPort: number;

  beforeAll(async () => {
    takenPort = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(takenPort, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('refuses a taken port in one line naming the variable to change, before starting anything', async () => {
    const result = await run(process.execPath, [startCommand], { env: { ...process.env, NOTIFICATIONS_PORT: String(takenPort) }, timeout: 30_000 }).catch((err) => err);
    expect(result.code).toBe(1);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines).toEqual([`npm start failed: port ${takenPort} is taken: another process listens on 127.0.0.1:${takenPort}; set NOTIFICATIONS_PORT to another port, or stop what uses it`]);
  });

  it('refuses an invalid variable, naming it', async () => {
    const result = await run(process.execPath, [startCommand], { env: { ...process.env, KAFKA_PORT: 'ninety' }, timeout: 30_000 }).catch((err) => err);
    expect(result.code).toBe(1);
    expect(String(result.stdout)).toContain('KAFKA_PORT');
  });
});
