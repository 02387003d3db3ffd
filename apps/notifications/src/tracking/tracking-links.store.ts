import { randomUUID } from 'node:crypto';
import type { Sql } from './tracked-orders.store';

/** Who minted or withdrew a link: their role and subject, as the token named them. */
export interface LinkActor {
  role: string;
  subject: string;
}

/** A link as staff see it: never its id, only the id's last characters. */
export interface StoredTrackingLink {
  linkId: string;
  orderId: string;
  shopId: string;
  endsWith: string;
  createdAt: string;
  createdBy: LinkActor;
  expiresAt: string;
}

interface LinkRow {
  link_id: string;
  order_id: string;
  shop_id: string;
  ends_with: string;
  created_at: Date;
  created_by_role: string;
  created_by: string;
  expires_at: Date;
}

function fromRow(row: LinkRow): StoredTrackingLink {
  return {
    linkId: row.link_id,
    orderId: row.order_id,
    shopId: row.shop_id,
    endsWith: row.ends_with,
    createdAt: row.created_at.toISOString(),
    createdBy: { role: row.created_by_role, subject: row.created_by },
    expiresAt: row.expires_at.toISOString(),
  };
}

export async function insertLink(
  db: Sql,
  link: { idHash: Buffer; endsWith: string; orderId: string; shopId: string; createdAt: string; createdBy: LinkActor; expiresAt: string },
): Promise<StoredTrackingLink> {
  const rows: LinkRow[] = await db.query(
    `INSERT INTO tracking_links (link_id, id_hash, ends_with, order_id, shop_id, created_at, created_by_role, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [randomUUID(), link.idHash, link.endsWith, link.orderId, link.shopId, link.createdAt, link.createdBy.role, link.createdBy.subject, link.expiresAt],
  );
  return fromRow(rows[0]);
}

/** The link with this id hash, if it is neither withdrawn nor past its own end. */
export async function findUsableLink(db: Sql, idHash: Buffer, now: Date): Promise<StoredTrackingLink | undefined> {
  const rows: LinkRow[] = await db.query(`SELECT * FROM tracking_links WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > $2`, [idHash, now]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Of these links, those still usable (an open page whose link was withdrawn is closed). */
export async function usableLinkIds(db: Sql, linkIds: string[], now: Date): Promise<Set<string>> {
  if (linkIds.length === 0) return new Set();
  const rows: Array<{ link_id: string }> = await db.query(
    `SELECT link_id FROM tracking_links WHERE link_id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > $2`,
    [linkIds, now],
  );
  return new Set(rows.map((r) => r.link_id));
}

/** The order's links neither withdrawn nor past their own end, oldest first. */
export async function usableLinksOf(db: Sql, orderId: string, now: Date): Promise<StoredTrackingLink[]> {
  const rows: LinkRow[] = await db.query(
    `SELECT * FROM tracking_links WHERE order_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at, link_id`,
    [orderId, now],
  );
  return rows.map(fromRow);
}

/**
 * Withdraws one of the order's links, or all of them (`linkId` undefined); a link already withdrawn
 * keeps who withdrew it first. Returns the links of the order it found: withdrawn now or before.
 */
export async function revokeLinks(db: Sql, orderId: string, linkId: string | undefined, by: LinkActor, now: Date): Promise<{ found: number; revoked: number }> {
  const rows: Array<{ newly: boolean }> = await db.query(
    `WITH target AS (
       SELECT link_id, revoked_at IS NULL AS newly FROM tracking_links
       WHERE order_id = $1 AND ($2::uuid IS NULL OR link_id = $2::uuid) FOR UPDATE
     ), revoked AS (
       UPDATE tracking_links l SET revoked_at = $3, revoked_by_role = $4, revoked_by = $5
       FROM target t WHERE l.link_id = t.link_id AND t.newly
     )
     SELECT newly FROM target`,
    [orderId, linkId ?? null, now, by.role, by.subject],
  );
  return { found: rows.length, revoked: rows.filter((r) => r.newly).length };
}

/** When this link sent its latest messages, newest first: what its own sending limit counts. */
export async function recentSendTimesOfLink(db: Sql, linkId: string, limit: number): Promise<string[]> {
  const rows: Array<{ sent_at: Date }> = await db.query(
    `SELECT sent_at FROM tracking_messages WHERE link_id = $1 AND NOT from_shop ORDER BY sent_at DESC LIMIT $2`,
    [linkId, limit],
  );
  return rows.map((r) => r.sent_at.toISOString());
}
