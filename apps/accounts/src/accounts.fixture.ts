import { createServer } from 'node:net';
import { developmentTokens, TokenVerifier } from '@petalpost/auth';
import type { Role } from '@petalpost/contracts';
import type { RunningService } from '@petalpost/platform';
import { eventually, startTestService, uniqueName } from '@petalpost/testing';
import { DataSource } from 'typeorm';
import { Agent, fetch } from 'undici';
import type { AccountsConfig } from './accounts.config';
import { accountsService } from './accounts.service';
import { PeopleDirectory, registerOperator } from './people';

export const operatorToken = developmentTokens().sign({ role: 'operator', sub: 'operator-on-duty' });

/** A person as the specs sign them in. */
export interface Person {
  personId: string;
  email: string;
  password: string;
}

/**
 * Shops and their people made through the people slice's own routes (an operator creates the shop
 * with its owner, the owner invites, the invited accept), waited for until sign-in's directory has them.
 */
export class People {
  constructor(
    private readonly call: Call,
    private readonly directory: PeopleDirectory,
    private readonly dataSource: DataSource,
  ) {}

  /** A shop with its owner (staff, owner, manages the team). */
  async shop(password: string, name = 'Rosewood'): Promise<{ shopId: string; owner: Person }> {
    const email = `${uniqueName('owner')}@bloom.example`;
    const created = await this.call('POST', '/shops', {
      body: { name, timeZone: 'Europe/Amsterdam', owner: { email, displayName: 'Anna', password } },
      token: operatorToken,
    });
    if (created.status !== 201) throw new Error(`shop not created: ${JSON.stringify(created.body)}`);
    const shopId = created.body.shopId as string;
    const owner = { personId: created.body.owner.personId as string, email, password };
    await this.joined(owner.personId, shopId);
    return { shopId, owner };
  }

  /** Someone invited by the shop's owner into `roles`: a new person, or `existing` adding the shop to theirs. */
  async member(shop: { shopId: string; owner: Person }, roles: Role[], existing?: Person, password = 'a vase of seven yellow tulips'): Promise<Person> {
    const email = existing?.email ?? `${uniqueName('p')}@bloom.example`;
    const ownerToken = developmentTokens().sign({ role: 'staff', sub: shop.owner.personId, shopId: shop.shopId });
    const invited = await this.call('POST', `/shops/${shop.shopId}/invitations`, { body: { email, roles }, token: ownerToken });
    if (invited.status !== 201) throw new Error(`not invited: ${JSON.stringify(invited.body)}`);
    // Someone who already has an account signs in and accepts with their token.
    const signedIn = existing ? await this.call('POST', '/sessions', { body: { email: existing.email, password: existing.password } }) : undefined;
    const accepted = signedIn
      ? await this.call('POST', invited.body.acceptPath, { body: {}, token: signedIn.body.accessToken })
      : await this.call('POST', invited.body.acceptPath, { body: { displayName: 'Flo', password } });
    if (accepted.status !== 201) throw new Error(`not accepted: ${JSON.stringify(accepted.body)}`);
    // The fixture's own session leaves no trace among theirs.
    if (signedIn) await this.call('DELETE', `/sessions/${signedIn.body.session.sessionId}`, { token: signedIn.body.accessToken });
    const person = existing ?? { personId: accepted.body.personId as string, email, password };
    await this.joined(person.personId, shop.shopId);
    return person;
  }

  /** An operator, made as the command line makes them. */
  async operator(password: string): Promise<Person> {
    const { personId, email } = await registerOperator(this.dataSource, { email: `${uniqueName('op')}@petalpost.example`, displayName: 'Olga', password });
    await eventually(async () => expect(await this.directory.byId(personId)).toBeDefined());
    return { personId, email, password };
  }

  /** The shop's owner removes the person from the shop. */
  async remove(shop: { shopId: string; owner: Person }, personId: string): Promise<void> {
    const ownerToken = developmentTokens().sign({ role: 'staff', sub: shop.owner.personId, shopId: shop.shopId });
    const removed = await this.call('DELETE', `/shops/${shop.shopId}/members/${personId}`, { token: ownerToken });
    if (removed.status >= 300) throw new Error(`not removed: ${JSON.stringify(removed.body)}`);
    await eventually(async () => expect((await this.directory.membershipsOf(personId)).map((m) => m.shopId)).not.toContain(shop.shopId));
  }

  /** The read model trails the log by milliseconds: sign-in reads it. */
  private async joined(personId: string, shopId: string): Promise<void> {
    await eventually(async () => expect((await this.directory.membershipsOf(personId)).map((m) => m.shopId)).toContain(shopId));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Call = (method: string, path: string, options?: { body?: unknown; token?: string; from?: string; headers?: Record<string, string> }) => Promise<Answer>;

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
  const port = await freePort();
  const jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
  const service: RunningService<AccountsConfig> = await startTestService(accountsService, {
    KAFKA_NAMESPACE: uniqueName('t').replace('_', '-'),
    PORT: String(port),
    AUTH_JWKS_URL: jwksUrl,
    // The specs accept many invitations from one address.
    ACCOUNTS_ACCEPTS_PER_HOUR: '10000',
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
    people: new People(call, service.app.get(PeopleDirectory), service.app.get(DataSource)),
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
