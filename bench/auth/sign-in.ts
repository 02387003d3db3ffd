import { randomBytes, randomUUID } from 'node:crypto';
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

    const runs: SignInRun[] = [];
    const measure = async (load: SignInLoad, concurrency: number) => {
      const emailOf = (worker: number) => (load === 'onePerson' ? emails[0] : emails[worker]);
      const op = async (worker: number) => {
        const answer = await signIn(http, accounts.service.url, emailOf(worker));
        if (answer.status !== 201) throw new Error(`POST /sessions answered ${answer.status}: ${answer.body.slice(0, 200)}`);
        return 1;
      };
      const servicePid = accounts.service.pid;
      const result = await phase(ctx, `POST /sessions, ${load === 'onePerson' ? 'one person' : 'a person each'}`, concurrency, op, {
        warmupMs: options.warmupSeconds * 1000,
        durationMs: options.seconds * 1000,
        // The service is the bench's own load, not the machine's noise.
        trackedPids: [...(infra.brokerPid ? [infra.brokerPid] : []), servicePid],
        probes: { serviceCpuMs: async () => processTreeCpuMs(servicePid) ?? Number.NaN },
      });
      const serviceMs = result.probeDeltas.serviceCpuMs;
      runs.push({ load, concurrency, result, serviceUsPerSignIn: Number.isFinite(serviceMs) && result.calls ? (serviceMs * 1000) / result.calls : undefined });
    };
    for (const c of options.concurrencies) {
      await measure('peopleApart', c);
      // All workers as one person: the service verifies one account's sign-ins one at a time.
      if (c > 1) await measure('onePerson', c);
    }
    return {
      entry: options.entry,
      logLevel: options.logLevel,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      people,
      startSeconds,
      runs,
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

async function until(check: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await sleep(100);
  }
}
