import { randomUUID } from 'node:crypto';
import type { OrderStatus } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import type { TrackedOrder } from './domain/tracked-order.evolve';
import type { CustomerMessageView } from './domain/tracking-view';

/** A connection or a transaction: whatever runs SQL. */
export type Sql = Pick<EntityManager, 'query'>;

/**
 * The Postgres channel on which a change to a tracked order is announced (payload: the order id).
 * One per schema: two deployments sharing a database do not hear each other. Channel names are
 * identifiers, so at most 63 characters.
 */
export function trackingChannel(schema: string): string {
  return `tracking_${schema}`.slice(0, 63);
}

/** Delivered when the transaction commits, to every replica listening; nothing if it rolls back. */
export async function announceChange(db: Sql, channel: string, orderId: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [channel, orderId]);
}

interface TrackedOrderRow {
  order_id: string;
  shop_id: string;
  status: OrderStatus;
  reached_at: Partial<Record<OrderStatus, string>>;
  window_from: Date;
  window_to: Date;
  window_time_zone: string | null;
  deadline: Date | null;
  eta: Date | null;
  rider_id: string | null;
  arrangement_photo: string | null;
  proof_photo: string | null;
  delivered_at: Date | null;
  recipient_first_name: string | null;
  recipient_person_id: string | null;
  destination_lat: number | null;
  destination_lng: number | null;
  order_version: number;
}

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

function fromRow(row: TrackedOrderRow): TrackedOrder {
  return {
    orderId: row.order_id,
    shopId: row.shop_id,
    status: row.status,
    reachedAt: row.reached_at,
    window: { from: row.window_from.toISOString(), to: row.window_to.toISOString(), ...(row.window_time_zone ? { timeZone: row.window_time_zone } : {}) },
    deadline: iso(row.deadline),
    eta: iso(row.eta),
    riderId: row.rider_id,
    arrangementPhotoRef: row.arrangement_photo,
    proofPhotoRef: row.proof_photo,
    deliveredAt: iso(row.delivered_at),
    recipientFirstName: row.recipient_first_name,
    recipientPersonId: row.recipient_person_id,
    destination: row.destination_lat !== null && row.destination_lng !== null ? { lat: row.destination_lat, lng: row.destination_lng } : null,
    version: row.order_version,
  };
}

/** Read FOR UPDATE inside the projection's transaction, so an erasure of the recipient waits for us or is seen by us. */
export async function findTrackedOrder(db: Sql, orderId: string, forUpdate = false): Promise<TrackedOrder | undefined> {
  const rows: TrackedOrderRow[] = await db.query(`SELECT * FROM tracked_orders WHERE order_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [orderId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function findTrackedOrders(db: Sql, orderIds: string[]): Promise<TrackedOrder[]> {
  if (orderIds.length === 0) return [];
  const rows: TrackedOrderRow[] = await db.query(`SELECT * FROM tracked_orders WHERE order_id = ANY($1)`, [orderIds]);
  return rows.map(fromRow);
}

/** Saves the order and, when `announceOn` is a channel, announces the change in the same statement. */
export async function saveTrackedOrder(db: Sql, order: TrackedOrder, announceOn: string | null): Promise<void> {
  await db.query(
    `WITH saved AS (
     INSERT INTO tracked_orders (order_id, shop_id, status, reached_at, window_from, window_to, window_time_zone, deadline, eta, rider_id,
       arrangement_photo, proof_photo, delivered_at, recipient_first_name, recipient_person_id, destination_lat, destination_lng, order_version, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, now())
     ON CONFLICT (order_id) DO UPDATE SET
       status = EXCLUDED.status, reached_at = EXCLUDED.reached_at, window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to,
       window_time_zone = EXCLUDED.window_time_zone, deadline = EXCLUDED.deadline, eta = EXCLUDED.eta, rider_id = EXCLUDED.rider_id,
       arrangement_photo = EXCLUDED.arrangement_photo, proof_photo = EXCLUDED.proof_photo, delivered_at = EXCLUDED.delivered_at,
       recipient_first_name = EXCLUDED.recipient_first_name, recipient_person_id = EXCLUDED.recipient_person_id,
       destination_lat = EXCLUDED.destination_lat, destination_lng = EXCLUDED.destination_lng, order_version = EXCLUDED.order_version, updated_at = now()
     RETURNING order_id)
     SELECT pg_notify($19, order_id) FROM saved WHERE $19::text IS NOT NULL`,
    [
      order.orderId,
      order.shopId,
      order.status,
      JSON.stringify(order.reachedAt),
      order.window.from,
      order.window.to,
      order.window.timeZone ?? null,
      order.deadline,
      order.eta,
      order.riderId,
      order.arrangementPhotoRef,
      order.proofPhotoRef,
      order.deliveredAt,
      order.recipientFirstName,
      order.recipientPersonId,
      order.destination?.lat ?? null,
      order.destination?.lng ?? null,
      order.version,
      announceOn,
    ],
  );
}

/** Forgets the recipient on every order of theirs in that shop; returns the orders changed. */
export async function eraseRecipient(db: Sql, shopId: string, personId: string, erasedAt: string): Promise<string[]> {
  await db.query(`INSERT INTO tracking_erased_people (shop_id, person_id, erased_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [shopId, personId, erasedAt]);
  const rows: Array<{ order_id: string }> = await db.query(
    `UPDATE tracked_orders SET recipient_first_name = NULL, destination_lat = NULL, destination_lng = NULL, updated_at = now()
     WHERE shop_id = $1 AND recipient_person_id = $2 RETURNING order_id`,
    [shopId, personId],
  );
  // node-postgres answers an UPDATE … RETURNING through TypeORM as [rows, count].
  const changed = Array.isArray(rows[0]) ? (rows[0] as Array<{ order_id: string }>) : rows;
  return changed.map((r) => r.order_id);
}

export async function isErased(db: Sql, shopId: string, personId: string): Promise<boolean> {
  const rows: unknown[] = await db.query(`SELECT 1 FROM tracking_erased_people WHERE shop_id = $1 AND person_id = $2`, [shopId, personId]);
  return rows.length > 0;
}

/** Held to the end of the transaction: whoever writes or erases a person's data first takes that person's lock. */
export async function lockPerson(db: Sql, shopId: string, personId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`notifications.tracking.person:${shopId}:${personId}`]);
}

// ---------------------------------------------------------------------------------------------
// The order's customer channel as the page shows it: what the customer sent (an outbox of
// PostCustomerMessage commands until messaging has it) and what the shop answered (from messaging.events).

/** A customer may say this much at once (how often: POSTING_LIMIT per order, as in messaging, and LINK_POSTING_LIMITS per link). */
export const MESSAGE_MAX_CHARS = 1000;

export interface StoredCustomerMessage {
  messageId: string;
  orderId: string;
  shopId: string;
  text: string;
  sentAt: string;
}

/** `linkId`: the tracking link it was sent through (each link has its own sending limit). */
export async function storeMessage(
  db: Sql,
  message: { orderId: string; shopId: string; linkId: string; text: string; sentAt: string },
): Promise<StoredCustomerMessage> {
  const rows: Array<{ message_id: string; sent_at: Date }> = await db.query(
    `INSERT INTO tracking_messages (message_id, order_id, shop_id, link_id, text, sent_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING message_id, sent_at`,
    [randomUUID(), message.orderId, message.shopId, message.linkId, message.text, message.sentAt],
  );
  const { linkId: _link, ...stored } = message;
  return { ...stored, messageId: rows[0].message_id, sentAt: rows[0].sent_at.toISOString() };
}

/** When the customer sent their latest messages about this order, newest first: what the posting limit counts. */
export async function recentSendTimes(db: Sql, orderId: string, limit: number): Promise<string[]> {
  const rows: Array<{ sent_at: Date }> = await db.query(
    `SELECT sent_at FROM tracking_messages WHERE order_id = $1 AND NOT from_shop ORDER BY sent_at DESC LIMIT $2`,
    [orderId, limit],
  );
  return rows.map((r) => r.sent_at.toISOString());
}

/** Customer messages not yet handed to messaging, oldest first; locked, so replicas share the work. */
export async function unpublishedMessages(db: Sql, limit: number): Promise<StoredCustomerMessage[]> {
  const rows: Array<{ message_id: string; order_id: string; shop_id: string; text: string; sent_at: Date }> = await db.query(
    `SELECT message_id, order_id, shop_id, text, sent_at FROM tracking_messages
     WHERE published_at IS NULL AND NOT from_shop ORDER BY sent_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({ messageId: r.message_id, orderId: r.order_id, shopId: r.shop_id, text: r.text, sentAt: r.sent_at.toISOString() }));
}

export async function markPublished(db: Sql, messageIds: string[]): Promise<void> {
  await db.query(`UPDATE tracking_messages SET published_at = now() WHERE message_id = ANY($1::uuid[])`, [messageIds]);
}

/**
 * A message of the order's customer channel as messaging published it. The customer's own come
 * back with the id they were sent under (confirming the hand-over); the shop's are added.
 */
export async function applyChannelMessage(
  db: Sql,
  change:
    | { kind: 'posted'; messageId: string; orderId: string; shopId: string; fromShop: boolean; text: string; postedAt: string }
    | { kind: 'edited'; messageId: string; text: string }
    | { kind: 'recalled'; messageId: string },
): Promise<void> {
  switch (change.kind) {
    case 'posted':
      await db.query(
        `INSERT INTO tracking_messages (message_id, order_id, shop_id, text, sent_at, published_at, from_shop) VALUES ($1, $2, $3, $4, $5, $5, $6)
         ON CONFLICT (message_id) DO UPDATE SET published_at = coalesce(tracking_messages.published_at, EXCLUDED.published_at)`,
        [change.messageId, change.orderId, change.shopId, change.text, change.postedAt, change.fromShop],
      );
      return;
    case 'edited':
      await db.query(`UPDATE tracking_messages SET text = $2 WHERE message_id = $1`, [change.messageId, change.text]);
      return;
    case 'recalled':
      await db.query(`UPDATE tracking_messages SET recalled = true WHERE message_id = $1`, [change.messageId]);
      return;
  }
}

/** The last messages of an order's customer channel, oldest first, as the customer's page lists them (recalled ones left out). */
export async function messagesOfOrder(db: Sql, orderId: string, limit = 20): Promise<CustomerMessageView[]> {
  const rows: Array<{ text: string; sent_at: Date; from_shop: boolean }> = await db.query(
    `SELECT text, sent_at, from_shop FROM (
       SELECT text, sent_at, from_shop, message_id FROM tracking_messages WHERE order_id = $1 AND NOT recalled ORDER BY sent_at DESC, message_id DESC LIMIT $2
     ) last ORDER BY sent_at, message_id`,
    [orderId, limit],
  );
  return rows.map((r) => ({ from: r.from_shop ? 'shop' : 'customer', text: r.text, sentAt: r.sent_at.toISOString() }));
}

/** What customers wrote (never the shop's answers), newest first. */
export async function messagesOfShop(db: Sql, shopId: string, options: { limit: number; orderId?: string }): Promise<StoredCustomerMessage[]> {
  const rows: Array<{ message_id: string; order_id: string; shop_id: string; text: string; sent_at: Date }> = await db.query(
    `SELECT message_id, order_id, shop_id, text, sent_at FROM tracking_messages
     WHERE shop_id = $1 AND NOT from_shop AND ($2::text IS NULL OR order_id = $2) ORDER BY sent_at DESC, message_id LIMIT $3`,
    [shopId, options.orderId ?? null, options.limit],
  );
  return rows.map((r) => ({ messageId: r.message_id, orderId: r.order_id, shopId: r.shop_id, text: r.text, sentAt: r.sent_at.toISOString() }));
}
