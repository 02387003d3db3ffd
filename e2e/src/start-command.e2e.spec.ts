import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { developmentTokens } from '@petalpost/auth';
import { freePort, freePorts, isAlive } from '@petalpost/infra';
import { createTestNamespace, eventually, testInfra } from '@petalpost/testing';
import { Client } from 'pg';

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
    const result = await run(process.execPath, [startCommand], { env: { ...process.env, NOTIFICATIONS_PORT: String(takenPort) }, timeout: 30_000 }).catch(
      (err) => err,
    );
    expect(result.code).toBe(1);
    const lines = String(result.stdout).trim().split('\n');
    expect(lines).toEqual([
      `npm start failed: port ${takenPort} is taken: another process listens on 127.0.0.1:${takenPort}; set NOTIFICATIONS_PORT to another port, or stop what uses it`,
    ]);
  });

  it('refuses an invalid variable, naming it', async () => {
    const result = await run(process.execPath, [startCommand], { env: { ...process.env, KAFKA_PORT: 'ninety' }, timeout: 30_000 }).catch((err) => err);
    expect(result.code).toBe(1);
    expect(String(result.stdout)).toContain('KAFKA_PORT');
  });
});

/**
 * The whole stack as `npm start` runs it, against the run's Kafka broker (in a namespace of its
 * own) and an embedded PostgreSQL of its own, started once for both tests.
 */
describe('npm start, running', () => {
  let start: ChildProcess;
  let output = '';
  let dataDir: string;
  let ports: Record<'orders' | 'dispatch' | 'messaging' | 'notifications' | 'accounts' | 'postgres' | 'reference' | 'gateway', number>;
  const exited = () =>
    new Promise<number | null>((resolve) => (start.exitCode !== null ? resolve(start.exitCode) : start.once('exit', (code) => resolve(code))));
  const ready = async (port: number) => (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) })).status;

  /** The services' processes, by name: the start command's children running a service's main.js. */
  const servicePids = (): Record<string, number> => {
    const children = readFileSync(`/proc/${start.pid}/task/${start.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    const byName: Record<string, number> = {};
    for (const pid of children) {
      const match = /apps\/(\w+)\/src\/main\.js/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
      if (match) byName[match[1]] = pid;
    }
    return byName;
  };

  beforeAll(async () => {
    const namespace = await createTestNamespace();
    dataDir = await mkdtemp(join(tmpdir(), 'petalpost-start-'));
    const [orders, dispatch, messaging, notifications, accounts, postgres, reference, gateway] = await freePorts(8);
    ports = { orders, dispatch, messaging, notifications, accounts, postgres, reference, gateway };
    start = spawn(process.execPath, [startCommand], {
      env: {
        ...process.env,
        KAFKA_BROKERS: testInfra().kafkaBrokers.join(','),
        KAFKA_NAMESPACE: namespace,
        DATA_DIR: dataDir,
        POSTGRES_PORT: String(ports.postgres),
        ORDERS_PORT: String(ports.orders),
        DISPATCH_PORT: String(ports.dispatch),
        MESSAGING_PORT: String(ports.messaging),
        NOTIFICATIONS_PORT: String(ports.notifications),
        ACCOUNTS_PORT: String(ports.accounts),
        REFERENCE_PORT: String(ports.reference),
        GATEWAY_PORT: String(ports.gateway),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A process group of its own, as a terminal gives the command it runs.
      detached: true,
    });
    start.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    start.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(
      () => {
        expect(start.exitCode).toBeNull();
        expect(output).toContain('Petalpost is running');
      },
      150_000,
      250,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${output}`);
    });
  }, 180_000);
  afterAll(async () => {
    if (start?.pid !== undefined && start.exitCode === null) {
      process.kill(-start.pid, 'SIGTERM');
      await exited();
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('serves one API reference of the five services, printed with its URL, whose requests reach the services', async () => {
    const reference = `http://127.0.0.1:${ports.reference}/`;
    expect(output).toContain(`API reference  ${reference}`);
    const page = await fetch(reference);
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const asset of ['swagger-ui/swagger-ui-bundle.js', 'swagger-ui/swagger-ui-standalone-preset.js', 'swagger-ui/swagger-ui.css']) {
      expect(html).toContain(asset);
      const served = await fetch(new URL(asset, reference));
      expect(served.status).toBe(200);
      await served.arrayBuffer();
    }
    for (const service of ['orders', 'dispatch', 'messaging', 'notifications', 'accounts']) {
      expect(html).toContain(`"name":"${service}","url":"${service}.json"`);
      const answer = await fetch(new URL(`${service}.json`, reference));
      expect(answer.status).toBe(200);
      const document = (await answer.json()) as { openapi: string; info: { title: string }; paths: Record<string, unknown>; servers: Array<{ url: string }> };
      expect(document.openapi).toMatch(/^3\./);
      expect(document.info.title).toBe(`Petalpost ${service}`);
      expect(Object.keys(document.paths)).toContain('/health/live');
      expect(document.servers).toEqual([expect.objectContaining({ url: `/api/${service}` })]);
      // "Try it out" goes through the reference's own origin to the service.
      expect((await fetch(new URL(`api/${service}/health/live`, reference))).status).toBe(200);
    }
    const refused = await fetch(new URL('api/orders/orders', reference), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 401, body: { code: expect.any(String) } });
  });

  it('prints the console first, with whom to sign in as, and serves the services on its one origin', async () => {
    const summary = output.slice(output.indexOf('Petalpost is running')).split('\n');
    expect(summary[2]).toBe(
      `  console        http://127.0.0.1:${ports.gateway}/   sign in as owner@demo.petalpost.test (or florist@…, dispatcher@…), password: jasmine tea at the flower market`,
    );
    expect(summary[3]).toBe(
      `  rider app      http://127.0.0.1:${ports.gateway}/rider/   on a phone; sign in as rider@demo.petalpost.test, password: jasmine tea at the flower market`,
    );
    const gateway = `http://127.0.0.1:${ports.gateway}`;
    expect((await fetch(`${gateway}/health/live`)).status).toBe(200);
    // Signing in through the gateway, as the console does.
    const signIn = await fetch(`${gateway}/api/accounts/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'florist@demo.petalpost.test', password: 'jasmine tea at the flower market' }),
    });
    expect(signIn.status).toBe(201);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    // The demo day: the florist's queue has today's orders to make, and the rider is riding.
    const queue = await fetch(`${gateway}/api/orders/orders?limit=50`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(queue.status).toBe(200);
    const { items } = (await queue.json()) as { items: Array<{ status: string }> };
    expect(items.map((o) => o.status)).toEqual(expect.arrayContaining(['accepted', 'in_production']));
    expect(output).toMatch(/demo day: 10 orders for today, the rider on shift/);
    const dispatcher = await fetch(`${gateway}/api/accounts/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dispatcher@demo.petalpost.test', password: 'jasmine tea at the flower market' }),
    }).then((r) => r.json() as Promise<{ accessToken: string }>);
    const asDispatcher = { headers: { authorization: `Bearer ${dispatcher.accessToken}` } };
    const riders = (await fetch(`${gateway}/api/dispatch/riders`, asDispatcher).then((r) => r.json())) as {
      items: Array<{ riderId: string; availability: string }>;
    };
    expect(riders.items).toEqual([expect.objectContaining({ availability: 'on_shift' })]);
    await eventually(async () => {
      const trail = (await fetch(`${gateway}/api/dispatch/riders/${riders.items[0].riderId}/trail`, asDispatcher).then((r) => r.json())) as {
        items: Array<{ lat: number }>;
      };
      expect(new Set(trail.items.map((p) => p.lat)).size).toBeGreaterThan(1);
    }, 30_000);
  });

  it('starts a killed service again, says so, and keeps the others running', async () => {
    const before = servicePids();
    expect(Object.keys(before).sort()).toEqual(['accounts', 'dispatch', 'messaging', 'notifications', 'orders']);

    process.kill(before.orders, 'SIGKILL');

    // Its consumer groups wait for the killed member's session to end before the new one joins.
    await eventually(() => expect(output).toMatch(/orders is back \(ready in [\d.]+ s\)/), 90_000, 250);
    expect(output).toContain('orders exited (signal SIGKILL), restarting in 1 s (attempt 1)');
    expect(await ready(ports.orders)).toBe(200);
    const after = servicePids();
    expect(after.orders).not.toBe(before.orders);
    for (const other of ['dispatch', 'messaging', 'notifications', 'accounts'] as const) {
      expect(after[other]).toBe(before[other]);
      expect(await ready(ports[other])).toBe(200);
    }
    expect(start.exitCode).toBeNull();
  }, 120_000);

  it('on Ctrl-C stops the gateway, then the services, PostgreSQL answering until they have', async () => {
    const services = Object.values(servicePids());
    const postgresPid = Number(/postgres: embedded server pid (\d+) ready/.exec(output)?.[1]);

    // Someone on the API reference follows the live stream: it never ends by itself, and must not hold Ctrl-C up.
    const token = developmentTokens().sign({ role: 'staff', shopId: 'shop-live', sub: 'watcher' });
    const live = await fetch(`http://127.0.0.1:${ports.reference}/api/notifications/sse`, { headers: { authorization: `Bearer ${token}` } });
    expect(live.status).toBe(200);

    // A terminal's Ctrl-C: SIGINT to every process of the foreground process group.
    process.kill(-start.pid!, 'SIGINT');
    const probe = new Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/petalpost`, connectionTimeoutMillis: 5_000 });
    const answered = await probe
      .connect()
      .then(() => probe.query('SELECT 1 AS one'))
      .then(
        (result) => result.rows[0].one as number,
        (err: Error) => err.message,
      )
      .finally(() => probe.end().catch(() => undefined));
    const code = await exited();

    expect({ answered, code }).toEqual({ answered: 1, code: 0 });
    expect(output).not.toContain('the database system is shutting down');
    const stopping = output.slice(output.indexOf('stopping…'));
    expect(stopping.indexOf('gateway stopped')).toBeGreaterThan(0);
    expect(stopping.indexOf('services stopped')).toBeGreaterThan(stopping.indexOf('gateway stopped'));
    expect(stopping.indexOf('postgres: embedded server on')).toBeGreaterThan(stopping.indexOf('services stopped'));
    for (const pid of [...services, postgresPid]) expect(isAlive(pid)).toBe(false);
  }, 60_000);
});
