import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { AccessTokenSigner, generateSigningKey, type Principal, publicJwk, TokenVerifier } from '@petalpost/auth';
import { type BenchContext, compare, type Contender } from '../lib/context';
import type { PhaseResult } from '../lib/measure';
import { say } from '../lib/measure';
import { OldHs256Tokens } from './hs256-baseline';
import { type SignInSection, signInSection } from './sign-in';

/**
 * OWASP's Password Storage Cheat Sheet, first Argon2id option: 19 MiB, 2 passes, 1 lane. The
 * algorithm by value: the package declares its enum `const`, which isolated modules cannot inline.
 */
const ARGON2ID: Algorithm = 2;
export const OWASP_ARGON2ID = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export type VerifyPath = 'es256Inline' | 'es256Remote' | 'hs256Old';

export interface AuthSection {
  /** Measured seconds per contender and configuration, split over two turns. */
  seconds: number;
  warmupSeconds: number;
  verifyConcurrencies: number[];
  /** Per concurrency, per verification path. */
  verify: Record<string, Record<VerifyPath, PhaseResult>>;
  /** Times the remote verifier fetched the JWKS over the whole section (1 when cached as it should be). */
  jwksFetches: number;
  tokenBytes: { es256: number; hs256: number };
  sign: { es256: PhaseResult; hs256Old: PhaseResult };
  argonConcurrencies: number[];
  /** Per concurrency: Argon2id hash and verify of one password at OWASP's parameters. */
  argon2: Record<string, { hash: PhaseResult; verify: PhaseResult }>;
  /** libuv's thread pool size in the bench process (Argon2 runs there). */
  threadPool: number;
  /** POST /sessions over HTTP to the built accounts service; absent with no sign-in concurrencies. */
  signIn?: SignInSection;
}

/**
 * Token verification and the password check, in the bench's process: ES256 access tokens
 * through TokenVerifier (keys inline, and fetched once from a JWKS endpoint), against the old HS256
 * path (shared secret, @nestjs/jwt) in the same turns; then Argon2id hash and verify, the CPU floor
 * of every password sign-in; then sign-ins over HTTP to the built accounts service, against that floor.
 */
export async function authSection(
  ctx: BenchContext,
  options: {
    seconds: number;
    verifyConcurrencies: number[];
    argonConcurrencies: number[];
    signInConcurrencies: number[];
    accountsEntry?: string;
    accountsLogLevel: string;
  },
): Promise<AuthSection> {
  const { seconds } = options;
  const warmupSeconds = Math.min(1, seconds / 4);
  // Short turns: everything here is CPU in this process, and two turns (A B C, C B A) per configuration suffice.
  const timed = { ...ctx, warmupMs: warmupSeconds * 1000, durationMs: seconds * 1000 };

  // A staff member of one shop who also rides for a sister shop, signed in on a shop PC.
  const shopId = randomUUID();
  const principal: Principal = { role: 'staff', sub: randomUUID(), shopId, sessionId: randomUUID() };
  const key = generateSigningKey();
  const signer = new AccessTokenSigner(key);
  const shops = { [shopId]: ['staff' as const, 'florist' as const], [randomUUID()]: ['rider' as const] };
  const es256Token = signer.sign(principal, { shops });
  const old = new OldHs256Tokens(randomUUID() + randomUUID());
  const hs256Token = old.sign({ role: 'staff', sub: principal.sub, shopId });

  const jwks = { keys: [publicJwk(key)] };
  const { server, url, fetches } = await serveJwks(jwks);
  try {
    const inline = new TokenVerifier({ jwks });
    const remote = new TokenVerifier({ jwksUrl: url });
    const expect = (p: Principal): number => {
      if (p.sub !== principal.sub) throw new Error('verified the wrong subject');
      return 1;
    };
    const verifiers: (Contender & { key: VerifyPath })[] = [
      { key: 'es256Inline', name: 'ES256 TokenVerifier, JWKS inline', op: yielding(async () => expect(await inline.verify(es256Token))) },
      { key: 'es256Remote', name: 'ES256 TokenVerifier, JWKS fetched once', op: yielding(async () => expect(await remote.verify(es256Token))) },
      { key: 'hs256Old', name: 'HS256, old path (@nestjs/jwt + zod)', op: yielding(async () => expect(old.verify(hs256Token))) },
    ];
    const verifyResults: AuthSection['verify'] = {};
    for (const c of options.verifyConcurrencies) {
      verifyResults[c] = (await compare(timed, c, verifiers, 2)) as Record<VerifyPath, PhaseResult>;
    }

    say('  signing one access token (what a sign-in adds after the password check)');
    const signed = await compare(
      { ...timed, durationMs: (seconds * 1000) / 2 },
      1,
      [
        { key: 'es256', name: 'ES256 AccessTokenSigner.sign', op: yielding(async () => (signer.sign(principal, { shops }) ? 1 : 0)) },
        { key: 'hs256Old', name: 'HS256 sign, old path', op: yielding(async () => (old.sign(principal) ? 1 : 0)) },
      ],
      2,
    );

    say(`  Argon2id at OWASP's parameters (m=${OWASP_ARGON2ID.memoryCost} KiB, t=${OWASP_ARGON2ID.timeCost}, p=${OWASP_ARGON2ID.parallelism})`);
    const password = 'correct horse battery staple';
    const stored = await hash(password, OWASP_ARGON2ID);
    const argon2: AuthSection['argon2'] = {};
    for (const c of options.argonConcurrencies) {
      const r = await compare(
        timed,
        c,
        [
          { key: 'hash', name: 'Argon2id hash', op: async () => ((await hash(password, OWASP_ARGON2ID)) ? 1 : 0) },
          {
            key: 'verify',
            name: 'Argon2id verify',
            op: async () => {
              if (!(await verify(stored, password))) throw new Error('the right password did not verify');
              return 1;
            },
          },
        ],
        2,
      );
      argon2[c] = { hash: r.hash, verify: r.verify };
    }

    let signIn: SignInSection | undefined;
    if (options.signInConcurrencies.length > 0) {
      say(`  POST /sessions to the accounts service as built, production settings, closed loop at ${options.signInConcurrencies.join(', ')} concurrent`);
      signIn = await signInSection(ctx, {
        seconds,
        warmupSeconds,
        concurrencies: options.signInConcurrencies,
        entry: options.accountsEntry,
        logLevel: options.accountsLogLevel,
      });
    }

    return {
      seconds,
      warmupSeconds,
      verifyConcurrencies: options.verifyConcurrencies,
      verify: verifyResults,
      jwksFetches: fetches(),
      tokenBytes: { es256: es256Token.length, hs256: hs256Token.length },
      sign: { es256: signed.es256, hs256Old: signed.hs256Old },
      argonConcurrencies: options.argonConcurrencies,
      argon2,
      threadPool: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
      signIn,
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * A synchronous call (HS256, jsonwebtoken's signing) never lets the loop reach its timers, and the
 * measuring windows open and close on timers: every 32nd call waits for the next turn of the loop,
 * as a service's would between requests. Every contender gets the same.
 */
function yielding(op: (worker: number, seq: number) => Promise<number>): (worker: number, seq: number) => Promise<number> {
  return async (worker, seq) => {
    if (seq % 32 === 31) await new Promise<void>((resolve) => setImmediate(resolve));
    return op(worker, seq);
  };
}

/** The accounts service's JWKS endpoint as the verifier sees it: one document on 127.0.0.1, fetches counted. */
async function serveJwks(jwks: object): Promise<{ server: Server; url: string; fetches: () => number }> {
  let fetches = 0;
  const body = JSON.stringify(jwks);
  const server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/.well-known/jwks.json`, fetches: () => fetches };
}
