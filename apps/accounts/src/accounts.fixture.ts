import { createServer } from 'node:net';
import type { DynamicModule } from '@nestjs/common';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { developmentTokens, TokenVerifier } from '@petalpost/auth';
import type { Role } from '@petalpost/contracts';
import type { RunningService, ServiceDefinition } from '@petalpost/platform';
import { startTestService, uniqueName } from '@petalpost/testing';
import { Agent, fetch } from 'undici';
import type { AccountsConfig } from './accounts.config';
import { AccountsModule } from './accounts.module';
import { accountsService } from './accounts.service';
import { type DirectoryMembership, type DirectoryPerson, SignInDirectory, SignInDirectoryModule } from './sessions';

export const operatorToken = developmentTokens().sign({ role: 'operator', sub: 'operator-on-duty' });

/**
 * The people and shops sign-in reads, standing in for the people slice's directory until it is wired
 * into the service: the same narrow interface, real Argon2id hashes.
 */
export class TestPeople extends SignInDirectory {
  private readonly people = new Map<string, DirectoryPerson>();
  private readonly memberships = new Map<string, DirectoryMembership[]>();

  async add(options: { password: string; operator?: boolean; memberships?: Array<Partial<DirectoryMembership> & { shopId: string; roles: Role[] }> }) {
    const personId = uniqueName('p');
    const email = `${personId}@bloom.example`;
    const passwordHash = await argon2Hash(options.password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    this.people.set(personId, { personId, email, displayName: personId, passwordHash, operator: options.operator ?? false });
    this.memberships.set(
      personId,
      (options.memberships ?? []).map((m) => ({ owner: false, manageTeam: false, ...m })),
    );
    return { personId, email, password: options.password };
  }

  /** The person leaves the shop (the owner removed them). */
  remove(personId: string, shopId: string): void {
    this.memberships.set(
      personId,
      (this.memberships.get(personId) ?? []).filter((m) => m.shopId !== shopId),
    );
  }

  byEmail(email: string) {
    return [...this.people.values()].find((p) => p.email === email.toLowerCase());
  }

  byId(personId: string) {
    return this.people.get(personId);
  }

  membershipsOf(personId: string) {
    return this.memberships.get(personId) ?? [];
  }

  verifyPassword(person: DirectoryPerson, password: string) {
    return person.passwordHash ? argon2Verify(person.passwordHash, password) : false;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * The accounts service in this process, trusting its own JWKS (as it does deployed: AUTH_JWKS_URL
 * names its own /.well-known/jwks.json), so the tokens it issues are the ones its routes accept.
 */
export async function startAccounts(env: Record<string, string> = {}) {
  const people = new TestPeople();
  const definition: ServiceDefinition<AccountsConfig> = {
    ...accountsService,
    module: (config, logger) => {
      const root = AccountsModule.forRoot(config, logger);
      const directory = SignInDirectoryModule.using({ provide: SignInDirectory, useValue: people });
      return { ...root, imports: (root.imports ?? []).map((m) => ((m as DynamicModule).module === SignInDirectoryModule ? directory : m)) };
    },
  };
  const port = await freePort();
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  const service: RunningService<AccountsConfig> = await startTestService(definition, {
    KAFKA_NAMESPACE: uniqueName('t').replace('_', '-'),
    PORT: String(port),
    AUTH_JWKS_URL: jwksUrl,
    ...env,
  });
  const agents = new Map<string, Agent>();
  /** A request from a client address of its own (any 127.x.y.z is this machine), so throttles of one test do not touch another. */
  const call = async (
    method: string,
    path: string,
    options: { body?: unknown; token?: string; from?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const from = options.from ?? '127.0.0.1';
    if (!agents.has(from)) agents.set(from, new Agent({ localAddress: from }));
    const response = await fetch(`${service.url}${path}`, {
      method,
      dispatcher: agents.get(from),
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers as unknown as Headers, body: text ? JSON.parse(text) : {} };
  };
  const signIn = async (person: { email: string; password: string }, extra: Record<string, string> = {}, from?: string) =>
    call('POST', '/sessions', { body: { email: person.email, password: person.password, ...extra }, from });
  return {
    service,
    people,
    call,
    signIn,
    jwksUrl,
    /** Verifies as every service does: against the accounts service's JWKS, fetched afresh each time. */
    verifier: new TokenVerifier({ jwksUrl, refetchCooldownMs: 0, cacheMaxAgeMs: 0 }),
    close: async () => {
      await service.app.close();
      await Promise.all([...agents.values()].map((a) => a.close()));
    },
  };
}

export type Accounts = Awaited<ReturnType<typeof startAccounts>>;

/** The claims of a JWT, unverified: to look at what a verified token carries beyond the principal. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
