import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type Role } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenIssuer, type IssuedAccessToken } from './access-token-issuer';
import { type ActingAs, actingAs, stillHolds } from './domain/acting-membership';
import { hashOf, newOpaqueToken } from './opaque-tokens';
import type { SessionsConfig } from './sessions.config';
import { type DirectoryMembership, type DirectoryPerson, SignInDirectory } from './sign-in-directory';

const DAY_MS = 24 * 60 * 60_000;

export interface ClientInfo {
  address: string;
  userAgent?: string;
}

export interface SessionView {
  sessionId: string;
  role: Role;
  shopId?: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  clientAddress?: string;
  userAgent?: string;
  current: boolean;
}

export interface OpenedSession extends IssuedAccessToken {
  refreshToken: string;
  session: SessionView;
  memberships: DirectoryMembership[];
}

interface SessionRow {
  session_id: string;
  person_id: string;
  acting_shop_id: string | null;
  acting_role: Role;
  created_at: Date;
  last_used_at: Date;
  idle_expires_at: Date;
  expires_at: Date;
  client_address: string | null;
  user_agent: string | null;
  ended_at: Date | null;
}

type RefreshOutcome = { kind: 'opened'; opened: OpenedSession } | { kind: 'ended'; why: string } | { kind: 'reused'; sessionId: string };

const invalidRefreshToken = () => new DomainError('unauthenticated', 'REFRESH_TOKEN_INVALID', 'this refresh token is not known');
const sessionEnded = (why: string) => new DomainError('unauthenticated', 'SESSION_ENDED', `this session has ended: ${why}; sign in again`);
const sessionNotFound = () => new DomainError('not_found', 'SESSION_NOT_FOUND', 'no such session');

/**
 * Sessions: one per sign-in, each with one current refresh token. A refresh rotates it (only one of
 * two concurrent refreshes wins: the rotation is one conditional UPDATE), re-reads the person's
 * memberships, and ends the session when a rotated token comes back (a stolen copy is being used).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SignInDirectory,
    private readonly issuer: AccessTokenIssuer,
    @Inject(SERVICE_CONFIG) private readonly config: SessionsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A session for a person who has just proven who they are, acting as asked (or as their first membership). */
  async open(person: DirectoryPerson, requested: { shopId?: string; role?: Role }, client: ClientInfo): Promise<OpenedSession> {
    const memberships = await this.directory.membershipsOf(person.personId);
    const acting = actingAs({ operator: person.operator, memberships }, requested);
    const now = new Date();
    const sessionId = randomUUID();
    const refresh = newOpaqueToken();
    const row = await this.dataSource.transaction(async (tx) => {
      const [opened] = await tx.query<SessionRow[]>(
        `INSERT INTO sessions (session_id, person_id, acting_shop_id, acting_role, created_at, last_used_at, idle_expires_at, expires_at, client_address, user_agent)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9) RETURNING *`,
        [
          sessionId,
          person.personId,
          acting.shopId ?? null,
          acting.role,
          now,
          this.idleExpiry(now),
          new Date(now.getTime() + this.config.ACCOUNTS_SESSION_MAX_DAYS * DAY_MS),
          client.address,
          userAgentLabel(client.userAgent),
        ],
      );
      await tx.query(`INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, [refresh.hash, sessionId, now]);
      return opened;
    });
    const token = await this.issuer.forSession(person.personId, acting, sessionId, memberships);
    this.logger.info({ sessionId, personId: person.personId, role: acting.role, shopId: acting.shopId }, 'session opened');
    return { ...token, refreshToken: refresh.token, session: viewOf(row, sessionId), memberships };
  }

  /**
   * A new access token and refresh token for a refresh token, acting as before or as `switchTo`.
   * The person's memberships are read afresh: one removed from the shop ends the session.
   */
  async refresh(refreshToken: string, switchTo: { shopId?: string; role?: Role } | undefined): Promise<OpenedSession> {
    const outcome = await this.dataSource.transaction(async (db): Promise<RefreshOutcome> => {
      const now = new Date();
      const hash = hashOf(refreshToken);
      const [rotated] = await updateReturning<{ session_id: string }>(
        db,
        `UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1 AND rotated_at IS NULL RETURNING session_id`,
        [hash, now],
      );
      if (!rotated) return this.refusedRotation(db, hash, now);
      const [session] = await db.query<SessionRow[]>(`SELECT * FROM sessions WHERE session_id = $1 FOR UPDATE`, [rotated.session_id]);
      if (session.ended_at) throw sessionEnded('it was signed out');
      if (session.expires_at <= now || session.idle_expires_at <= now) {
        await endSession(db, session.session_id, 'expired', now);
        return { kind: 'ended', why: 'it has expired' };
      }
      const person = await this.directory.byId(session.person_id);
      const memberships = person ? await this.directory.membershipsOf(person.personId) : [];
      const current: ActingAs = { role: session.acting_role, ...(session.acting_shop_id ? { shopId: session.acting_shop_id } : {}) };
      const member = { operator: person?.operator ?? false, memberships };
      if (!person || !stillHolds(member, current)) {
        await endSession(db, session.session_id, 'membership_removed', now);
        return { kind: 'ended', why: 'you no longer hold this role at this shop' };
      }
      // A switch to a membership not held is refused with nothing changed (the transaction rolls back).
      const acting = switchTo ? actingAs(member, switchTo) : current;
      const next = newOpaqueToken();
      await db.query(`INSERT INTO refresh_tokens (token_hash, session_id, issued_at) VALUES ($1, $2, $3)`, [next.hash, session.session_id, now]);
      const [updated] = await updateReturning<SessionRow>(
        db,
        `UPDATE sessions SET last_used_at = $2, idle_expires_at = $3, acting_shop_id = $4, acting_role = $5 WHERE session_id = $1 RETURNING *`,
        [session.session_id, now, this.idleExpiry(now), acting.shopId ?? null, acting.role],
      );
      const token = await this.issuer.forSession(person.personId, acting, session.session_id, memberships);
      return { kind: 'opened', opened: { ...token, refreshToken: next.token, session: viewOf(updated, session.session_id), memberships } };
    });
    if (outcome.kind === 'ended') throw sessionEnded(outcome.why);
    if (outcome.kind === 'reused') {
      this.logger.warn({ sessionId: outcome.sessionId }, 'a rotated refresh token came back: session ended');
      throw new DomainError(
        'unauthenticated',
        'REFRESH_TOKEN_REUSED',
        'this refresh token was already used: the session has been ended for safety; sign in again',
      );
    }
    return outcome.opened;
  }

  /** A token that is not current: unknown, just rotated by a concurrent request, or reused (which ends its session). */
  private async refusedRotation(db: EntityManager, hash: Buffer, now: Date): Promise<RefreshOutcome> {
    const [old] = await db.query<Array<{ session_id: string; rotated_at: Date }>>(`SELECT session_id, rotated_at FROM refresh_tokens WHERE token_hash = $1`, [
      hash,
    ]);
    if (!old) throw invalidRefreshToken();
    if (now.getTime() - old.rotated_at.getTime() < this.config.ACCOUNTS_REFRESH_RACE_GRACE_SECONDS * 1000) {
      throw new DomainError(
        'conflict',
        'REFRESH_TOKEN_ALREADY_ROTATED',
        'another request has just refreshed with this token: use the refresh token it received',
      );
    }
    const ended = await endSession(db, old.session_id, 'refresh_token_reused', now);
    if (!ended) throw sessionEnded('it was signed out');
    return { kind: 'reused', sessionId: old.session_id };
  }

  /** The caller's sessions still open, newest first, the one of this token marked current. */
  async list(personId: string, currentSessionId: string | undefined): Promise<SessionView[]> {
    const rows = await this.dataSource.query<SessionRow[]>(
      `SELECT * FROM sessions WHERE person_id = $1 AND ended_at IS NULL AND expires_at > now() AND idle_expires_at > now() ORDER BY created_at DESC`,
      [personId],
    );
    return rows.map((r) => viewOf(r, currentSessionId));
  }

  /** Ends one of the person's sessions; another person's is not there for them. */
  async end(personId: string, sessionId: string): Promise<void> {
    const [, count] = (await this.dataSource.query(
      `UPDATE sessions SET ended_at = now(), end_reason = 'signed_out' WHERE session_id = $1 AND person_id = $2 AND ended_at IS NULL`,
      [sessionId, personId],
    )) as [unknown, number];
    if (count === 0) throw sessionNotFound();
    this.logger.info({ sessionId, personId }, 'session signed out');
  }

  /** Ends every session of the person, this one included. */
  async endAll(personId: string): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `UPDATE sessions SET ended_at = now(), end_reason = 'signed_out_everywhere' WHERE person_id = $1 AND ended_at IS NULL`,
      [personId],
    )) as [unknown, number];
    this.logger.info({ personId, sessions: count }, 'signed out everywhere');
    return count;
  }

  private idleExpiry(now: Date): Date {
    return new Date(now.getTime() + this.config.ACCOUNTS_SESSION_IDLE_DAYS * DAY_MS);
  }
}

/** TypeORM answers an UPDATE with [rows, rowCount]. */
async function updateReturning<T>(db: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const [rows] = (await db.query(sql, parameters)) as [T[], number];
  return rows;
}

async function endSession(db: EntityManager, sessionId: string, reason: string, now: Date): Promise<boolean> {
  const [, count] = (await db.query(`UPDATE sessions SET ended_at = $3, end_reason = $2 WHERE session_id = $1 AND ended_at IS NULL`, [
    sessionId,
    reason,
    now,
  ])) as [unknown, number];
  return count > 0;
}

/** What the person recognises a session by: the browser's own words, trimmed. */
function userAgentLabel(userAgent: string | undefined): string | null {
  const label = userAgent?.replace(/[\p{Cc}]/gu, '').trim();
  return label ? label.slice(0, 200) : null;
}

function viewOf(row: SessionRow, currentSessionId?: string): SessionView {
  const expiresAt = row.expires_at < row.idle_expires_at ? row.expires_at : row.idle_expires_at;
  return {
    sessionId: row.session_id,
    role: row.acting_role,
    ...(row.acting_shop_id ? { shopId: row.acting_shop_id } : {}),
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at.toISOString(),
    expiresAt: expiresAt.toISOString(),
    ...(row.client_address ? { clientAddress: row.client_address } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
    current: row.session_id === currentSessionId,
  };
}
