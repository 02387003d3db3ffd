import { availableParallelism } from 'node:os';
import { fmt, type PhaseResult } from '../lib/measure';
import { md, type SectionReport, type Table, type TargetRow } from '../lib/section-report';
import { type AuthSection, OWASP_ARGON2ID, type VerifyPath } from './auth';
import type { SignInRun } from './sign-in';

const PATHS: [VerifyPath, string][] = [
  ['es256Inline', 'ES256, TokenVerifier, JWKS inline'],
  ['es256Remote', 'ES256, TokenVerifier, JWKS from 127.0.0.1 (fetched once, cached)'],
  ['hs256Old', 'HS256, old path: @nestjs/jwt + principal parse (baseline)'],
];

/** One core's worth of CPU spent on calls that each cost `cpuUs`: the rate one core could sustain. */
const perCore = (p: PhaseResult) => 1e6 / p.clientCpuUsPerCall;
const usPerCall = (p: PhaseResult) => (p.concurrency * 1e6) / p.callsPerSec;

const row = (what: string, p: PhaseResult, ratio: string) => [
  what,
  p.concurrency,
  fmt.rate(p.callsPerSec),
  fmt.us(usPerCall(p)),
  fmt.us(p.clientCpuUsPerCall),
  fmt.rate(perCore(p)),
  fmt.ms(p.p99Ms),
  ratio,
  p.otherCores !== undefined ? p.otherCores.toFixed(2) : '–',
  p.errors,
];

const HEADERS = ['path', 'conc.', 'calls/s', 'µs/call (wall)', 'CPU µs/call', '/s on one core', 'p99 ms', 'ratio', 'other load (cores)', 'errors'];

export function authVerifyTable(a: AuthSection): Table {
  return {
    headers: HEADERS.map((h) => (h === 'ratio' ? '÷ HS256 (calls/s)' : h)),
    rows: a.verifyConcurrencies.flatMap((c) => {
      const at = a.verify[c];
      return PATHS.map(([key, label]) => row(label, at[key], key === 'hs256Old' ? '1.00×' : fmt.ratio(at[key].callsPerSec / at.hs256Old.callsPerSec)));
    }),
  };
}

export function authSignInTable(a: AuthSection): Table {
  const argonRows = a.argonConcurrencies.flatMap((c) => {
    const at = a.argon2[c];
    const single = a.argon2[a.argonConcurrencies[0]];
    return [
      row('Argon2id hash (new password)', at.hash, fmt.ratio(at.hash.callsPerSec / single.hash.callsPerSec)),
      row('Argon2id verify (sign-in)', at.verify, fmt.ratio(at.verify.callsPerSec / single.verify.callsPerSec)),
    ];
  });
  return {
    headers: HEADERS.map((h) => (h === 'ratio' ? '÷ first row of its kind' : h)),
    rows: [
      row('ES256 access token, AccessTokenSigner.sign', a.sign.es256, '1.00×'),
      row('HS256 token, old path sign', a.sign.hs256Old, fmt.ratio(a.sign.hs256Old.callsPerSec / a.sign.es256.callsPerSec)),
      ...argonRows,
    ],
  };
}

/** Argon2id verify in the bench's process at the run's concurrency, or the most concurrent measured below it: a sign-in's floor. */
function floorOf(a: AuthSection, concurrency: number): PhaseResult | undefined {
  const measured = a.argonConcurrencies.filter((c) => c <= concurrency);
  return measured.length ? a.argon2[measured[measured.length - 1]].verify : undefined;
}

const LOADS: Record<SignInRun['load'], string> = {
  peopleApart: 'POST /sessions, a person per worker',
  onePerson: 'POST /sessions, every worker the same person',
};

export function authHttpSignInTable(a: AuthSection): Table | undefined {
  if (!a.signIn) return undefined;
  return {
    headers: [
      'sign-in',
      'conc.',
      'sign-ins/s',
      'p50 ms',
      'p99 ms',
      'Argon2id verify/s (floor)',
      '÷ floor',
      'accounts CPU µs/sign-in',
      'PostgreSQL CPU µs/sign-in',
      'other load (cores)',
      'sign-ins measured',
      'errors',
    ],
    rows: a.signIn.runs.map((r) => {
      const p = r.result;
      const floor = floorOf(a, r.concurrency);
      return [
        r.concurrency === 1 ? 'POST /sessions, one person' : LOADS[r.load],
        r.concurrency,
        fmt.rate(p.callsPerSec),
        fmt.ms(p.p50Ms),
        fmt.ms(p.p99Ms),
        floor ? `${fmt.rate(floor.callsPerSec)} (${floor.concurrency} conc.)` : '–',
        floor ? fmt.ratio(p.callsPerSec / floor.callsPerSec) : '–',
        fmt.us(r.serviceUsPerSignIn),
        fmt.us(p.serverCpuUsPerCall),
        p.otherCores !== undefined ? p.otherCores.toFixed(2) : '–',
        p.calls,
        p.errors,
      ];
    }),
  };
}

export function authRoutesTable(a: AuthSection): Table | undefined {
  const routes = a.signIn?.routes ?? [];
  if (routes.length === 0) return undefined;
  const live = routes.find((r) => r.route === 'GET /health/live');
  return {
    headers: [
      'route',
      'conc.',
      'requests/s',
      'p50 ms',
      'p99 ms',
      'accounts CPU µs/request',
      '− GET /health/live (µs)',
      'PostgreSQL CPU µs/request',
      'other load (cores)',
      'errors',
    ],
    rows: routes.map((r) => [
      r.route,
      r.result.concurrency,
      fmt.rate(r.result.callsPerSec),
      fmt.ms(r.result.p50Ms),
      fmt.ms(r.result.p99Ms),
      fmt.us(r.serviceUsPerRequest),
      live && r !== live && r.serviceUsPerRequest !== undefined && live.serviceUsPerRequest !== undefined
        ? fmt.us(r.serviceUsPerRequest - live.serviceUsPerRequest)
        : '–',
      fmt.us(r.result.serverCpuUsPerCall),
      r.result.otherCores !== undefined ? r.result.otherCores.toFixed(2) : '–',
      r.result.errors,
    ]),
  };
}

/** The table printed at the end of the section in the terminal. */
export function authTable(a: AuthSection): Table {
  const verify = authVerifyTable(a);
  const signIn = authSignInTable(a);
  return { headers: HEADERS, rows: [...verify.rows, ...signIn.rows] };
}

const ES256_PER_CORE_TARGET = 5_000;
// Half of a sign-in's 500 ms budget: the rest is the database, the token and the network.
const ARGON_VERIFY_P99_TARGET_MS = 250;
const SIGN_IN_P99_TARGET_MS = 500;
const SIGN_IN_TARGET_CONCURRENCY = 4;

function signInTargets(
  a: AuthSection,
  target: (what: string, ours: string, baseline: string, ratio: string, goal: string, met: boolean | undefined) => TargetRow,
): TargetRow[] {
  const goal = `≤ ${SIGN_IN_P99_TARGET_MS} ms`;
  const what = `sign-in over HTTP (POST /sessions), p99 at ${SIGN_IN_TARGET_CONCURRENCY} concurrent, a person per worker`;
  const judged = a.signIn?.runs.find((r) => r.load === 'peopleApart' && r.concurrency === SIGN_IN_TARGET_CONCURRENCY);
  if (!judged) return [target(what, 'not measured in this run', '–', '–', goal, undefined)];
  const row = (r: SignInRun, label: string, goalText: string, met: boolean | undefined) => {
    const floor = floorOf(a, r.concurrency);
    return target(
      label,
      `${fmt.ms(r.result.p99Ms)} ms; ${fmt.rate(r.result.callsPerSec)}/s`,
      floor ? `Argon2id verify alone: ${fmt.ms(floor.p99Ms)} ms; ${fmt.rate(floor.callsPerSec)}/s` : '–',
      floor ? fmt.ratio(r.result.callsPerSec / floor.callsPerSec) : '–',
      goalText,
      met,
    );
  };
  const rows = [row(judged, what, goal, judged.result.errors === 0 && judged.result.p99Ms <= SIGN_IN_P99_TARGET_MS)];
  const same = a.signIn?.runs.find((r) => r.load === 'onePerson' && r.concurrency === SIGN_IN_TARGET_CONCURRENCY);
  if (same)
    rows.push(row(same, `sign-in over HTTP, p99 at ${SIGN_IN_TARGET_CONCURRENCY} concurrent, all as one person (verified one at a time)`, '(info)', undefined));
  return rows;
}

function authTargets(a: AuthSection): TargetRow[] {
  const one = a.verify[a.verifyConcurrencies[0]];
  const most = a.verify[a.verifyConcurrencies[a.verifyConcurrencies.length - 1]];
  const argonOne = a.argon2[a.argonConcurrencies[0]];
  // Judged with as many hashes at once as the machine has cores: more only queue on libuv's pool.
  const judged = a.argonConcurrencies.filter((c) => c <= availableParallelism());
  const argonMost = a.argon2[judged.length > 0 ? judged[judged.length - 1] : a.argonConcurrencies[0]];
  const target = (what: string, ours: string, baseline: string, ratio: string, goal: string, met: boolean | undefined): TargetRow => ({
    section: 'auth',
    what,
    ours,
    baseline,
    ratio,
    target: goal,
    met,
  });
  return [
    // Judged busy: how many verifications a core can take matters when a service is loaded.
    target(
      `ES256 verify (TokenVerifier, JWKS inline) on one core, from CPU per verify at ${most.es256Inline.concurrency} concurrent`,
      `${fmt.rate(perCore(most.es256Inline))}/s`,
      `${fmt.rate(perCore(most.hs256Old))}/s (HS256, old)`,
      fmt.ratio(perCore(most.es256Inline) / perCore(most.hs256Old)),
      `≥ ${ES256_PER_CORE_TARGET.toLocaleString('en-US')}/s`,
      perCore(most.es256Inline) >= ES256_PER_CORE_TARGET,
    ),
    target(
      'ES256 verifies/s ÷ old HS256 verifies/s, 1 at a time',
      `${fmt.rate(one.es256Inline.callsPerSec)}/s`,
      `${fmt.rate(one.hs256Old.callsPerSec)}/s`,
      fmt.ratio(one.es256Inline.callsPerSec / one.hs256Old.callsPerSec),
      '(info)',
      undefined,
    ),
    target(
      `ES256 verifies/s ÷ old HS256 verifies/s, ${most.es256Inline.concurrency} concurrent`,
      `${fmt.rate(most.es256Inline.callsPerSec)}/s`,
      `${fmt.rate(most.hs256Old.callsPerSec)}/s`,
      fmt.ratio(most.es256Inline.callsPerSec / most.hs256Old.callsPerSec),
      '(info)',
      undefined,
    ),
    target(
      `ES256 verify, JWKS fetched from the accounts service ÷ inline, ${most.es256Remote.concurrency} concurrent; fetches in the section`,
      `${fmt.rate(most.es256Remote.callsPerSec)}/s; ${a.jwksFetches} fetch${a.jwksFetches === 1 ? '' : 'es'}`,
      `${fmt.rate(most.es256Inline.callsPerSec)}/s`,
      fmt.ratio(most.es256Remote.callsPerSec / most.es256Inline.callsPerSec),
      '1 fetch (cached)',
      a.jwksFetches === 1,
    ),
    target(
      `Argon2id verify p99 at OWASP's parameters, ${argonMost.verify.concurrency} concurrent (password sign-in floor)`,
      `${fmt.ms(argonMost.verify.p99Ms)} ms; ${fmt.rate(argonMost.verify.callsPerSec)}/s`,
      `${fmt.ms(argonOne.verify.p99Ms)} ms; ${fmt.rate(argonOne.verify.callsPerSec)}/s alone`,
      fmt.ratio(argonMost.verify.callsPerSec / argonOne.verify.callsPerSec),
      `≤ ${ARGON_VERIFY_P99_TARGET_MS} ms`,
      argonMost.verify.p99Ms <= ARGON_VERIFY_P99_TARGET_MS,
    ),
    ...signInTargets(a, target),
  ];
}

function signInText(a: AuthSection): string[] {
  const s = a.signIn;
  const table = authHttpSignInTable(a);
  if (!s || !table) return ['**Sign-in over HTTP (`POST /sessions`) was not measured in this run** (BENCH_AUTH_SIGN_IN_CONCURRENCY empty).', ''];
  return [
    `**Sign-in over HTTP**: the accounts service as built (\`${s.entry ?? 'dist/apps/accounts/src/main.js'}\`), in a process of its own, in production mode (its own key-encryption key and WebAuthn relying party; it trusts the keys at its own \`/.well-known/jwks.json\`), on the bench's PostgreSQL, log level ${s.logLevel}; ready in ${s.startSeconds.toFixed(1)} s. ` +
      `${s.people} owner${s.people === 1 ? '' : 's'} signed up through \`POST /shops\` (the public sign-up), then closed-loop \`POST /sessions {email, password}\` from this process over keep-alive HTTP/1.1, each answered 201 with an access token: the address throttle's check, the account's advisory lock, Argon2id verify, a session and its refresh token written, an ES256 token signed. ` +
      `${s.warmupSeconds} s warm-up, then ${s.seconds} s measured per row. ${s.throttle}: successful sign-ins count no failures, so the repeated sign-ins from 127.0.0.1 are never slowed. ` +
      `The **floor** is Argon2id verify at the same concurrency in this process (table above): "÷ floor" is how much of the bare password check's rate survives the HTTP, the database and the token. ` +
      `"a person per worker" is people signing in at once; "the same person" shows that one account's sign-ins are verified one at a time (the service holds an advisory lock per account across the check, so concurrent guesses cannot slip past the failure count). ` +
      `"accounts CPU" is the service's process (every thread, Argon2id's included), "PostgreSQL CPU" the server's, per sign-in measured; the p99 of the few dozen sign-ins a short row measures is at or next to their maximum (the count is in the table).`,
    '',
    md(table),
    '',
    ...routesText(a),
  ];
}

function routesText(a: AuthSection): string[] {
  const table = authRoutesTable(a);
  if (!table) return [];
  return [
    "**An authenticated request inside the service**: the same accounts service, `GET /me` with the access token of a sign-in (the token verified against the service's own JWKS, fetched once and cached, then the person and their memberships read by primary key) against `GET /health/live` (public: no token, no I/O), same concurrency and timing. " +
      "The difference in the service's CPU per request is what authentication and the two reads add on top of Fastify, Nest and logging; the in-process ES256 figure above is the verification's share of it.",
    '',
    md(table),
    '',
  ];
}

export const authReport: SectionReport<AuthSection> = {
  render: (a, run) => {
    const alone = 'BENCH_SECTIONS=auth npm run bench';
    return [
      '### 10. Sign-in and token verification: ES256 access tokens against the old HS256 path',
      '',
      `Measured with \`${run.command}\`${run.command === alone ? '' : ` (this section alone: \`${alone}\`)`} on ${run.machine.cpus} cores (${run.machine.model}), Node ${run.machine.node}, all in the bench's process, closed loop. ` +
        `The token is a staff member's (role and shop, session id, roles at two shops: ${a.tokenBytes.es256} characters; the old HS256 token of the same person carried role, shop and subject only: ${a.tokenBytes.hs256}). ` +
        `**ES256** is libs/auth's TokenVerifier (jose: signature, \`alg\`, \`iss\`, \`aud\`, \`typ\`, \`exp\`/\`iat\`, the token's age, then the principal), with the public key given inline, and with the key fetched from a JWKS endpoint on 127.0.0.1 (${a.jwksFetches} fetch${a.jwksFetches === 1 ? '' : 'es'} over the whole section: cached after the first). ` +
        `The **baseline** is the path every service used before, reproduced in bench/auth/hs256-baseline.ts: HS256 with one shared secret through @nestjs/jwt, then the claims parsed as a principal. ` +
        `Each contender warms up ${a.warmupSeconds} s, then they take two turns (A B C, C B A) adding up to ${a.seconds} s each per concurrency. ` +
        `"µs/call (wall)" is the mean time a call took (concurrency ÷ rate); "CPU µs/call" is this process's CPU (every thread: jose verifies through WebCrypto, whose work runs on libuv's thread pool) over calls, and "/s on one core" is 10⁶ over it (load from elsewhere moves it less than the rates); "other load" is the machine's CPU outside the bench and its PostgreSQL and broker while measured.`,
      '',
      md(authVerifyTable(a)),
      '',
      `The cost of a password sign-in before any I/O: Argon2id (@node-rs/argon2) at OWASP's parameters (m=${OWASP_ARGON2ID.memoryCost} KiB, t=${OWASP_ARGON2ID.timeCost}, p=${OWASP_ARGON2ID.parallelism}), which runs on libuv's thread pool (${a.threadPool} threads), alone and ${a.argonConcurrencies.slice(1).join(', ')} at a time; and signing the access token. The ratio of an Argon2id row is its rate over the same operation alone.`,
      '',
      md(authSignInTable(a)),
      '',
      ...signInText(a),
    ];
  },
  targets: (a) => authTargets(a),
};
