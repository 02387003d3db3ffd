import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createLogger } from './logger';
import { PgListener } from './pg-listener';
import { ProcessorRegistry } from './processors';

// libs/testing builds on this library, so the run's database is read from the variable its global setup sets.
function runDatabaseUrl(): string {
  const url = process.env.PETALPOST_TEST_DATABASE_URL;
  if (!url) throw new Error('PETALPOST_TEST_DATABASE_URL is unset: run through jest, whose global setup starts PostgreSQL');
  return url;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the process’s one LISTEN connection (real PostgreSQL)', () => {
  const applicationName = `petalpost-test-${randomBytes(4).toString('hex')}-listen`;
  const channel = (name: string) => `${name}_${randomBytes(4).toString('hex')}`;
  let admin: Client;
  let listener: PgListener;
  let registry: ProcessorRegistry;

  beforeEach(async () => {
    admin = new Client({ connectionString: runDatabaseUrl() });
    await admin.connect();
    registry = new ProcessorRegistry();
    listener = new PgListener({
      connectionString: runDatabaseUrl(),
      applicationName,
      logger: createLogger('pg-listener-spec', 'silent'),
      registry,
      firstReconnectMs: 50,
    });
  });

  afterEach(async () => {
    await listener.stop();
    await admin.end();
  });

  const listenConnections = async () =>
    Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`, [applicationName])).rows[0].n);

  it('hands each channel’s notices to its own subscribers, over one connection', async () => {
    const [inbox, tracking] = [channel('inbox'), channel('tracking')];
    const seen: string[] = [];
    listener.subscribe(inbox, (payload) => seen.push(`inbox a:${payload}`));
    listener.subscribe(inbox, (payload) => seen.push(`inbox b:${payload}`));
    listener.subscribe(tracking, (payload) => seen.push(`tracking:${payload}`));
    await listener.start();

    await admin.query(`SELECT pg_notify($1, 'entry-1'), pg_notify($2, 'order-7')`, [inbox, tracking]);
    await until(() => seen.length === 3, 'three notices were handed over');
    expect(seen.sort()).toEqual(['inbox a:entry-1', 'inbox b:entry-1', 'tracking:order-7']);
    expect(await listenConnections()).toBe(1);
    expect(registry.statuses()).toEqual([expect.objectContaining({ name: 'postgres:listen', ready: true })]);
  });

  it('listens on a channel subscribed after it opened', async () => {
    listener.subscribe(channel('first'), () => undefined);
    await listener.start();
    const late = channel('late');
    const seen: string[] = [];
    listener.subscribe(late, (payload) => seen.push(payload));

    await until(async () => {
      await admin.query(`SELECT pg_notify($1, 'hello')`, [late]);
      return seen.length > 0;
    }, 'the late channel was heard');
    expect(seen[0]).toBe('hello');
  });

  it('reopens a lost connection, tells its subscribers, and hears the channels again', async () => {
    const wakeUps = channel('wake');
    const seen: string[] = [];
    let resumed = 0;
    listener.subscribe(wakeUps, (payload) => seen.push(payload));
    listener.onResume(() => resumed++);
    await listener.start();

    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
    await until(() => resumed === 1, 'subscribers were told of the reconnect');
    expect(listener.listening).toBe(true);

    await admin.query(`SELECT pg_notify($1, 'after')`, [wakeUps]);
    await until(() => seen.includes('after'), 'a notice after the reconnect was heard');
    expect(await listenConnections()).toBe(1);
  });

  it('opens nothing and counts for nothing when no one subscribed', async () => {
    await listener.start();
    expect(listener.listening).toBe(false);
    expect(await listenConnections()).toBe(0);
    expect(registry.statuses()).toEqual([]);
  });
});
