import { decodePageCursor, encodePageCursor, isCursorId, isCursorTime } from '@petalpost/platform';
import type { EntityManager } from 'typeorm';
import type { ShopRole } from './domain/shop.events';

/** The only code that reads the people slice's tables (the read model, and the sign-in table). */

export interface PersonRow {
  personId: string;
  email: string;
  displayName: string;
  operator: boolean;
  registeredAt: string;
  passwordHash?: string;
}

export interface MembershipRow {
  shopId: string;
  shopName: string;
  /** The shop's IANA zone: every time a member sees is shown in it. */
  shopTimeZone: string;
  /** ISO 4217: the shop's prices are in it. */
  shopCurrency: string;
  roles: ShopRole[];
  owner: boolean;
  manageTeam: boolean;
  joinedAt: string;
}

export interface MemberRow {
  personId: string;
  displayName: string;
  email: string;
  roles: ShopRole[];
  owner: boolean;
  manageTeam: boolean;
  joinedAt: string;
}

const PERSON = `SELECT p.person_id, p.email, p.display_name, p.operator, p.registered_at, s.password_hash
  FROM people p LEFT JOIN person_sign_in s ON s.person_id = p.person_id`;

type RawPerson = { person_id: string; email: string; display_name: string; operator: boolean; registered_at: Date; password_hash: string | null };

const toPerson = (r: RawPerson): PersonRow => ({
  personId: r.person_id,
  email: r.email,
  displayName: r.display_name,
  operator: r.operator,
  registeredAt: r.registered_at.toISOString(),
  ...(r.password_hash ? { passwordHash: r.password_hash } : {}),
});

export async function personByEmail(db: EntityManager, email: string): Promise<PersonRow | undefined> {
  const rows: RawPerson[] = await db.query(`${PERSON} WHERE p.email = $1`, [email]);
  return rows[0] && toPerson(rows[0]);
}

export async function personById(db: EntityManager, personId: string): Promise<PersonRow | undefined> {
  const rows: RawPerson[] = await db.query(`${PERSON} WHERE p.person_id = $1`, [personId]);
  return rows[0] && toPerson(rows[0]);
}

/** Who signs in with this address, from the sign-in table (written with the person's registration, so never behind). */
export async function signInOf(db: EntityManager, by: { email: string } | { personId: string }): Promise<{ personId: string; email: string } | undefined> {
  const [column, value] = 'email' in by ? ['email', by.email] : ['person_id', by.personId];
  const rows: Array<{ person_id: string; email: string }> = await db.query(`SELECT person_id, email FROM person_sign_in WHERE ${column} = $1`, [value]);
  return rows[0] && { personId: rows[0].person_id, email: rows[0].email };
}

/** A person's shops, as long as they belong to them: a removed membership is gone from here. */
export async function membershipsOf(db: EntityManager, personId: string): Promise<MembershipRow[]> {
  const rows: Array<{
    shop_id: string;
    name: string;
    time_zone: string;
    currency: string;
    roles: ShopRole[];
    owner: boolean;
    manage_team: boolean;
    joined_at: Date;
  }> = await db.query(
    `SELECT m.shop_id, s.name, s.time_zone, s.currency, m.roles, m.owner, m.manage_team, m.joined_at
       FROM shop_members m JOIN shops s ON s.shop_id = m.shop_id
      WHERE m.person_id = $1 AND m.removed_at IS NULL
      ORDER BY m.joined_at, m.shop_id`,
    [personId],
  );
  return rows.map((r) => ({
    shopId: r.shop_id,
    shopName: r.name,
    shopTimeZone: r.time_zone,
    shopCurrency: r.currency,
    roles: r.roles,
    owner: r.owner,
    manageTeam: r.manage_team,
    joinedAt: r.joined_at.toISOString(),
  }));
}

export interface ShopRow {
  shopId: string;
  name: string;
  timeZone: string;
  currency: string;
  createdAt: string;
}

export async function shopById(db: EntityManager, shopId: string): Promise<ShopRow | undefined> {
  const rows: Array<{ shop_id: string; name: string; time_zone: string; currency: string; created_at: Date }> = await db.query(
    `SELECT shop_id, name, time_zone, currency, created_at FROM shops WHERE shop_id = $1`,
    [shopId],
  );
  const [r] = rows;
  return r && { shopId: r.shop_id, name: r.name, timeZone: r.time_zone, currency: r.currency, createdAt: r.created_at.toISOString() };
}

export interface ListedShop extends ShopRow {
  memberCount: number;
  owners: Array<{ personId: string; displayName: string }>;
}

/** Where the next page of shops starts: after this shop, in the list's order (newest first). */
export type ShopListCursor = { createdAt: string; shopId: string };

/**
 * Every shop, newest first, for the platform's operators: a page of `limit`, optionally only those
 * whose name contains `q` (any case), each with its team's size today and its owners' names.
 */
export async function listShops(
  db: EntityManager,
  query: { q?: string; after?: ShopListCursor; limit: number },
): Promise<{ items: ListedShop[]; next?: ShopListCursor }> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where: string[] = [];
  if (query.q) where.push(`s.name ILIKE ${param(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  if (query.after) where.push(`(s.created_at, s.shop_id) < (${param(query.after.createdAt)}::timestamptz, ${param(query.after.shopId)})`);
  const rows: Array<{
    shop_id: string;
    name: string;
    time_zone: string;
    currency: string;
    created_at: Date;
    cursor_key: string;
    member_count: number;
    owners: Array<{ personId: string; displayName: string }>;
  }> = await db.query(
    `SELECT s.shop_id, s.name, s.time_zone, s.currency, s.created_at,
            to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key,
            (SELECT count(*)::int FROM shop_members m WHERE m.shop_id = s.shop_id AND m.removed_at IS NULL) AS member_count,
            (SELECT coalesce(json_agg(json_build_object('personId', m.person_id, 'displayName', p.display_name) ORDER BY m.joined_at, m.person_id), '[]')
               FROM shop_members m JOIN people p ON p.person_id = m.person_id
              WHERE m.shop_id = s.shop_id AND m.removed_at IS NULL AND m.owner) AS owners
       FROM shops s
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY s.created_at DESC, s.shop_id DESC
      LIMIT ${param(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      shopId: r.shop_id,
      name: r.name,
      timeZone: r.time_zone,
      currency: r.currency,
      createdAt: r.created_at.toISOString(),
      memberCount: r.member_count,
      owners: r.owners,
    })),
    ...(rows.length > query.limit ? { next: { createdAt: last.cursor_key, shopId: last.shop_id } } : {}),
  };
}

export const encodeShopCursor = (cursor: ShopListCursor): string => encodePageCursor([cursor.createdAt, cursor.shopId]);

export function decodeShopCursor(text: string): ShopListCursor {
  const [createdAt, shopId] = decodePageCursor(text, (k): k is [string, string] => k.length === 2 && isCursorTime(k[0]) && isCursorId(k[1]));
  return { createdAt, shopId };
}

export async function activeMember(db: EntityManager, shopId: string, personId: string): Promise<MemberRow | undefined> {
  return (await members(db, shopId, personId))[0];
}

/** The shop's people today, in the order they joined. */
export function members(db: EntityManager, shopId: string, personId?: string): Promise<MemberRow[]> {
  return db
    .query(
      `SELECT m.person_id, p.display_name, p.email, m.roles, m.owner, m.manage_team, m.joined_at
         FROM shop_members m JOIN people p ON p.person_id = m.person_id
        WHERE m.shop_id = $1 AND m.removed_at IS NULL AND ($2::text IS NULL OR m.person_id = $2)
        ORDER BY m.joined_at, m.person_id`,
      [shopId, personId ?? null],
    )
    .then((rows: Array<{ person_id: string; display_name: string; email: string; roles: ShopRole[]; owner: boolean; manage_team: boolean; joined_at: Date }>) =>
      rows.map((r) => ({
        personId: r.person_id,
        displayName: r.display_name,
        email: r.email,
        roles: r.roles,
        owner: r.owner,
        manageTeam: r.manage_team,
        joinedAt: r.joined_at.toISOString(),
      })),
    );
}

export interface InvitationRow {
  invitationId: string;
  email?: string;
  roles: ShopRole[];
  expiresAt: string;
  createdAt: string;
  invitedBy: string;
}

/** Invitations still to be accepted, newest first. */
export async function pendingInvitations(db: EntityManager, shopId: string, now: string): Promise<InvitationRow[]> {
  const rows: Array<{ invitation_id: string; email: string | null; roles: ShopRole[]; expires_at: Date; created_at: Date; invited_by: string }> =
    await db.query(
      `SELECT invitation_id, email, roles, expires_at, created_at, invited_by FROM shop_invitations
      WHERE shop_id = $1 AND status = 'pending' AND expires_at > $2 ORDER BY created_at DESC, invitation_id`,
      [shopId, now],
    );
  return rows.map((r) => ({
    invitationId: r.invitation_id,
    ...(r.email ? { email: r.email } : {}),
    roles: r.roles,
    expiresAt: r.expires_at.toISOString(),
    createdAt: r.created_at.toISOString(),
    invitedBy: r.invited_by,
  }));
}

/** Which shop holds the invitation with this secret (by its hash); written with the invitation. */
export async function shopOfSecret(db: EntityManager, secretHash: string): Promise<string | undefined> {
  const rows: Array<{ shop_id: string }> = await db.query(`SELECT shop_id FROM invitation_secrets WHERE secret_hash = $1`, [secretHash]);
  return rows[0]?.shop_id;
}

export interface AuditRow {
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor?: { role: string; subject: string };
  recordedAt: string;
}

/**
 * A shop's history, newest first, straight from the log: the audit answers from the facts
 * themselves, not from a model of them. `before` is the version to continue below.
 */
export async function shopHistory(db: EntityManager, streamId: string, before: number | undefined, limit: number): Promise<AuditRow[]> {
  const rows: Array<{
    stream_version: number;
    type: string;
    data: Record<string, unknown>;
    metadata: { actor?: { role: string; subject: string } };
    recorded_at: Date;
  }> = await db.query(
    `SELECT stream_version, type, data, metadata, recorded_at FROM events
        WHERE stream_id = $1 AND ($2::int IS NULL OR stream_version < $2) ORDER BY stream_version DESC LIMIT $3`,
    [streamId, before ?? null, limit],
  );
  return rows.map((r) => ({
    version: r.stream_version,
    type: r.type,
    data: r.data,
    ...(r.metadata.actor ? { actor: r.metadata.actor } : {}),
    recordedAt: r.recorded_at.toISOString(),
  }));
}

/** Display names of these people, for an audit page. */
export async function displayNames(db: EntityManager, personIds: string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows: Array<{ person_id: string; display_name: string }> = await db.query(`SELECT person_id, display_name FROM people WHERE person_id = ANY($1)`, [
    personIds,
  ]);
  return new Map(rows.map((r) => [r.person_id, r.display_name]));
}
