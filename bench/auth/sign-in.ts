import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePorts } from '@petalpost/infra';
import { type BuiltService, startBuiltService } from '../lib/built-service';
import { type BenchContext, phase } from '../lib/context';
import type { BenchInfra } from '../lib/infra';
import { repoRoot } from '../lib/infra';
import { type PhaseResult, processTreeCpuMs, say, sleep } from '../lib/measure';
import { HttpClient } from '../messaging/post-load';

/** The accounts service as `npm run build` builds it from this tree. */
export const ACCOUNTS_MAIN = join(repoRoot, 'dist', 'apps', 'accounts', 'src', 'main.js');

/** Long, uncommon, and free of the e-mail's name part and the shop's name: the service's password rules take it. */
const PASSWORD = 'seven yellow tulips in a tall glass vase';

export type SignInLoad = 'onePerson' | 'peopleApart';

export interface SignInRun {
  /** Which people the workers sign in as: all one person, or one person each. */
  load: SignInLoad;
  concurrency: number;
  result: PhaseResult;
  /** The accounts service's CPU (every thread) per sign-in inside the measured window, µs. */
  serviceUsPerSignIn?: number;
}

/** A cheap route measured in the same service: what an authenticated request costs it beyond a public one. */
export interface RouteRun {
  route: string;
  result: PhaseResult;
  serviceUsPerRequest?: number;
}

export interface SignInSection {
  /** The built main.js when another build than this tree's (BENCH_ACCOUNTS_MAIN). */
  entry?: string;
  logLevel: string;
  seconds: number;
  warmupSeconds: number;
  /** People made through POST /shops before the load (one shop and owner each). */
  people: number;
  startSeconds: number;
  runs: SignInRun[];
  /** GET /health/live (public, no I/O) and GET /me (token verified, the person and their memberships read), at the highest concurrency. */
  routes: RouteRun[];
  /** The sign-in throttle's settings as the service ran (its defaults: the bench sets none). */
  throttle: string;
}

/**
 * The accounts service as built, in production mode (its own key-encryption key, WebAuthn relying
 * party, and its own JWKS URL as the keys it trusts), on the bench's PostgreSQL and broker, in a
 * process of its own. `POST /shops` (the public sign-up) makes the people; then closed-loop
 * `POST /sessions` with their e-mail and password: every sign-in a full one (throttle check,
 * Argon2id verify, a session and its refresh token written, an ES256 access token signed).
 */
export async function signInSection(
  ctx: BenchContext,
  options: { seconds: number; warmupSeconds: number; concurrencies: number[]; entry?: string; logLevel: string },
): Promise<SignInSection> {
  const { infra } = ctx;
  const people = Math.max(...options.concurrencies);
  const started = performance.now();
  const accounts = await startAccounts(infra, { entry: options.entry ?? ACCOUNTS_MAIN, logLevel: options.logLevel, signUps: people });
  const http = new HttpClient(people);
  try {
    const startSeconds = (performance.now() - started) / 1000;
    const emails: string[] = [];
    for (let i = 0; i < people; i++) emails.push(await signUp(http, accounts.service.url, i));
    // The sign-in directory is a projection of the shops' streams: wait until the last owner can sign in.
    await until(async () => (await signIn(http, accounts.service.url, emails[emails.length - 1])).status === 201, 30_000, 'the seeded owners to sign in');
    say(
      `  accounts service ${accounts.service.url} (pid ${accounts.service.pid}) ready in ${startSeconds.toFixed(1)} s; ${people} owner(s) signed up through POST /shops`,
    );

    const servicePid = accounts.service.pid;
    const measured = async (name: string, concurrency: number, op: (worker: number) => Promise<number>) => {
      const result = await phase(ctx, name, concurrency, op, {
        warmupMs: options.warmupSeconds * 1000,
        durationMs: options.seconds * 1000,
        // The service is the bench's own load, not the machine's noise.
        trackedPids: [...(infra.brokerPid ? [infra.brokerPid] : []), servicePid],
        probes: { serviceCpuMs: async () => processTreeCpuMs(servicePid) ?? Number.NaN },
      });
      const serviceMs = result.probeDeltas.serviceCpuMs;
      return { result, serviceUs: Number.isFinite(serviceMs) && result.calls ? (serviceMs * 1000) / result.calls : undefined };
    };
    const runs: SignInRun[] = [];
    for (const c of options.concurrencies) {
      // A person per worker; then, with several workers, all as one person: the service verifies one account's sign-ins one at a time.
      for (const load of c > 1 ? (['peopleApart', 'onePerson'] as const) : (['peopleApart'] as const)) {
        const emailOf = (worker: number) => (load === 'onePerson' ? emails[0] : emails[worker]);
        const { result, serviceUs } = await measured(`POST /sessions, ${load === 'onePerson' ? 'one person' : 'a person each'}`, c, async (worker) => {
          const answer = await signIn(http, accounts.service.url, emailOf(worker));
          if (answer.status !== 201) throw new Error(`POST /sessions answered ${answer.status}: ${answer.body.slice(0, 200)}`);
          return 1;
        });
        runs.push({ load, concurrency: c, result, serviceUsPerSignIn: serviceUs });
      }
    }

    const signedIn = await signIn(http, accounts.service.url, emails[0]);
    const { accessToken } = JSON.parse(signedIn.body) as { accessToken: string };
    const reads = new Agent({ keepAlive: true, maxSockets: people });
    const routes: RouteRun[] = [];
    try {
      for (const [route, headers] of [
        ['/health/live', {}],
        ['/me', { authorization: `Bearer ${accessToken}` }],
      ] as const) {
        const { result, serviceUs } = await measured(`GET ${route}`, people, async () => {
          const status = await get(reads, `${accounts.service.url}${route}`, headers);
          if (status !== 200) throw new Error(`GET ${route} answered ${status}`);
          return 1;
        });
        routes.push({ route: `GET ${route}`, result, serviceUsPerRequest: serviceUs });
      }
    } finally {
      reads.destroy();
    }
    return {
      entry: options.entry,
      logLevel: options.logLevel,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      people,
      startSeconds,
      runs,
      routes,
      throttle: 'ACCOUNTS_SIGN_IN_* at their defaults',
    };
  } finally {
    http.close();
    await accounts.stop();
  }
}

async function startAccounts(
  infra: BenchInfra,
  options: { entry: string; logLevel: string; signUps: number },
): Promise<{ service: BuiltService; stop: () => Promise<void> }> {
  const schema = `bench_accounts${infra.embeddedPostgres ? '' : `_${process.pid}`}`;
  const [port] = await freePorts(1);
  const service = await startBuiltService({
    name: 'accounts',
    entry: options.entry,
    port,
    logName: 'auth-section-accounts',
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: options.logLevel,
      DATABASE_URL: infra.databaseUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: infra.brokers.join(','),
      KAFKA_NAMESPACE: `bench-auth-${process.pid}`,
      // As deployed: the services, this one included, trust the keys the accounts service publishes.
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      ACCOUNTS_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ACCOUNTS_WEBAUTHN_RP_ID: 'petalpost.example',
      ACCOUNTS_WEBAUTHN_ORIGINS: 'https://console.petalpost.example',
      // Every seeded owner signs up from 127.0.0.1; the default (10 an hour) would refuse a larger run.
      ACCOUNTS_SIGNUPS_PER_HOUR: String(Math.max(10, options.signUps)),
    },
  });
  const stop = async () => {
    await service.stop();
    if (!infra.embeddedPostgres) await infra.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };
  return { service, stop };
}

async function signUp(http: HttpClient, url: string, i: number): Promise<string> {
  const email = `owner-${i}-${randomUUID().slice(0, 8)}@bench.example`;
  const answer = await http.post(
    `${url}/shops`,
    {},
    { name: `Bench Flowers ${i}`, timeZone: 'Europe/Amsterdam', owner: { email, displayName: `Owner ${i}`, password: PASSWORD } },
  );
  if (answer.status !== 201) throw new Error(`POST /shops answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return email;
}

function signIn(http: HttpClient, url: string, email: string) {
  return http.post(`${url}/sessions`, {}, { email, password: PASSWORD });
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { agent, headers, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within 30 s: GET ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await sleep(100);
  }
}
