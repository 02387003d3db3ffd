import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { DomainError, type Role } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { accountVerdict, addressVerdict, afterFailure, type AccountFailures, noFailures, type ThrottlePolicy } from './domain/sign-in-throttle';
import { type SessionsConfig, throttlePolicyOf } from './sessions.config';
import { type ClientInfo, type OpenedSession, SessionsService } from './sessions.service';
import { type DirectoryPerson, SignInDirectory } from './sign-in-directory';

/** OWASP's Argon2id parameters (19 MiB, 2 passes, 1 lane): the dummy hash costs what a real one does. */
const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export interface SignInFailureView {
  at: string;
  email: string;
  personId?: string;
  clientAddress: string;
  userAgent?: string;
  reason: 'wrong_password' | 'unknown_account' | 'locked';
}

const invalidCredentials = () => new DomainError('unauthenticated', 'INVALID_CREDENTIALS', 'the e-mail address or the password is not right');
const slowedDown = (retryAfterMs: number, code: string, message: string) =>
  new DomainError('too_many', code, message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });

/** The account the throttle counts: the e-mail as typed (NFKC, case and spaces aside), whether anyone has it or not. */
export const accountOf = (email: string) => email.normalize('NFKC').trim().toLowerCase();

interface AccountRow {
  consecutive_failures: number;
  last_failure_at: Date;
  locked_at: Date | null;
}

/**
 * Password sign-in. An unknown account and a wrong password get the same answer after the same work
 * (one Argon2id verification, against a dummy hash when nobody has the address), and are throttled
 * alike: per account, then per client address.
 */
@Injectable()
export class SignInService implements OnModuleInit {
  private readonly policy: ThrottlePolicy;
  private dummyHash = '';

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SignInDirectory,
    private readonly sessions: SessionsService,
    @Inject(SERVICE_CONFIG) config: SessionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.policy = throttlePolicyOf(config);
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await argon2Hash('no one has this password', ARGON2ID);
  }

  async signIn(credentials: { email: string; password: string; shopId?: string; role?: Role }, client: ClientInfo): Promise<OpenedSession> {
    const now = new Date();
    const address = addressVerdict(await this.recentFailuresFrom(client.address, now), now, this.policy);
    if (!address.allowed)
      throw slowedDown(
        address.reason === 'slowed' ? address.retryAfterMs : 0,
        'SIGN_IN_RATE_LIMITED',
        'too many failed sign-ins from your address: wait and try again',
      );
    const account = accountOf(credentials.email);
    const outcome = await this.dataSource.transaction(async (db) => {
      // One attempt per account at a time: concurrent guesses cannot slip past the count.
      await db.query(`SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':sign-in:' || $1))`, [account]);
      const failures = await readFailures(db, account);
      const verdict = accountVerdict(failures, now, this.policy);
      if (!verdict.allowed && verdict.reason === 'slowed') return { kind: 'slowed', retryAfterMs: verdict.retryAfterMs } as const;
      const person = await this.directory.byEmail(credentials.email.trim());
      if (!verdict.allowed) {
        await this.recordFailure(db, account, person, client, 'locked', now);
        return { kind: 'locked' } as const;
      }
      if (!(await this.passwordMatches(person, credentials.password))) {
        const next = afterFailure(failures, now, this.policy);
        await writeFailures(db, account, next);
        await this.recordFailure(db, account, person, client, person ? 'wrong_password' : 'unknown_account', now);
        if (next.lockedAt && !failures.lockedAt) this.logger.warn({ account, personId: person?.personId }, 'account locked after repeated failed sign-ins');
        return { kind: 'failed' } as const;
      }
      await db.query(`DELETE FROM sign_in_accounts WHERE account = $1`, [account]);
      return { kind: 'verified', person: person as DirectoryPerson } as const;
    });
    switch (outcome.kind) {
      case 'slowed':
        throw slowedDown(outcome.retryAfterMs, 'SIGN_IN_SLOWED_DOWN', 'too many failed sign-ins for this account: wait and try again');
      case 'locked':
        throw new DomainError(
          'unauthenticated',
          'ACCOUNT_LOCKED',
          "too many failed sign-ins: this account is locked until unlocked by the link e-mailed to it or by the shop's owner",
        );
      case 'failed':
        throw invalidCredentials();
      case 'verified':
        return this.sessions.open(outcome.person, { shopId: credentials.shopId, role: credentials.role }, client);
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown sign-in outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Failed sign-ins of the shop's people, newest first. */
  async failuresAt(shopId: string, limit: number): Promise<SignInFailureView[]> {
    const rows = await this.dataSource.query<
      Array<{ at: Date; account: string; person_id: string | null; client_address: string; user_agent: string | null; reason: SignInFailureView['reason'] }>
    >(
      `SELECT at, account, person_id, client_address, user_agent, reason FROM sign_in_failures WHERE shop_ids @> ARRAY[$1]::text[] ORDER BY at DESC, failure_id DESC LIMIT $2`,
      [shopId, limit],
    );
    return rows.map((r) => ({
      at: r.at.toISOString(),
      email: r.account,
      ...(r.person_id ? { personId: r.person_id } : {}),
      clientAddress: r.client_address,
      ...(r.user_agent ? { userAgent: r.user_agent } : {}),
      reason: r.reason,
    }));
  }

  /** Clears the person's failures and lockout; true when they were locked. */
  async unlock(person: DirectoryPerson, by: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(`DELETE FROM sign_in_accounts WHERE account = $1 RETURNING locked_at`, [accountOf(person.email)])) as [
      Array<{ locked_at: Date | null }>,
      number,
    ];
    const wasLocked = rows.some((r) => r.locked_at !== null);
    this.logger.info({ personId: person.personId, by, wasLocked }, 'sign-in unlocked');
    return wasLocked;
  }

  /** Always one Argon2id verification: against the dummy hash when nobody has the address or a password. */
  private async passwordMatches(person: DirectoryPerson | undefined, password: string): Promise<boolean> {
    if (!person?.passwordHash) {
      await argon2Verify(this.dummyHash, password);
      return false;
    }
    return this.directory.verifyPassword(person, password);
  }

  private async recentFailuresFrom(address: string, now: Date): Promise<Date[]> {
    const rows = await this.dataSource.query<Array<{ at: Date }>>(
      `SELECT at FROM sign_in_failures WHERE client_address = $1 AND at > $2 ORDER BY at DESC LIMIT $3`,
      [address, new Date(now.getTime() - this.policy.addressWindowMs), this.policy.addressFailures],
    );
    return rows.map((r) => r.at);
  }

  private async recordFailure(
    db: EntityManager,
    account: string,
    person: DirectoryPerson | undefined,
    client: ClientInfo,
    reason: SignInFailureView['reason'],
    now: Date,
  ): Promise<void> {
    // The shops at the time of the failure: their owners see it.
    const shopIds = person ? (await this.directory.membershipsOf(person.personId)).map((m) => m.shopId) : [];
    await db.query(`INSERT INTO sign_in_failures (at, account, person_id, shop_ids, client_address, user_agent, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      now,
      account,
      person?.personId ?? null,
      shopIds,
      client.address,
      client.userAgent?.slice(0, 200) ?? null,
      reason,
    ]);
  }
}

async function readFailures(db: EntityManager, account: string): Promise<AccountFailures> {
  const [row] = await db.query<AccountRow[]>(`SELECT consecutive_failures, last_failure_at, locked_at FROM sign_in_accounts WHERE account = $1`, [account]);
  if (!row) return noFailures;
  return { consecutive: row.consecutive_failures, lastFailureAt: row.last_failure_at, ...(row.locked_at ? { lockedAt: row.locked_at } : {}) };
}

async function writeFailures(db: EntityManager, account: string, failures: AccountFailures): Promise<void> {
  await db.query(
    `INSERT INTO sign_in_accounts (account, consecutive_failures, last_failure_at, locked_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account) DO UPDATE SET consecutive_failures = $2, last_failure_at = $3, locked_at = $4`,
    [account, failures.consecutive, failures.lastFailureAt, failures.lockedAt ?? null],
  );
}
