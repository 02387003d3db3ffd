import type { Principal } from '@petalpost/auth';
import { decodePageCursor, encodePageCursor, isCursorId, isCursorTime } from '@petalpost/platform';
import type { DataSource } from 'typeorm';
import { type Channel, CHANNELS, channelAccess, type Policy, type Viewer } from '../../domain/channel-access';
import { CONVERSATION_CHANNELS_TABLE, CONVERSATION_READS_TABLE, readerOf } from './conversation-inbox.projection';

interface Row {
  order_id: string;
  channel: Channel;
  shop_id: string;
  rider_id: string | null;
  delivered_at: Date | null;
  closed: boolean;
  message_count: number;
  read_count: number;
  last_message_at: Date | null;
  opened_at: Date;
  cursor_key: string;
}

export interface ConversationListItem {
  orderId: string;
  shopId: string;
  channels: Array<{ channel: Channel; unread: number }>;
  lastMessageAt: string | null;
}

/** Where the previous page ended: its last conversation's last activity (to the microsecond) and order id. */
export interface ConversationListCursor {
  activeAt: string;
  orderId: string;
}

export interface ConversationListQuery {
  unread?: boolean;
  after?: ConversationListCursor;
  limit: number;
}

/**
 * One page of the caller's conversations, most recently active first, with their unread counts.
 * A conversation's last activity is its newest message in the channels listed, or its opening
 * while it has none; ties go by order id, so the order is total and a cursor never skips or
 * repeats one. SQL narrows the rows to the caller's shop, order or rides; channel-access.ts has
 * the last word on each row.
 */
export async function listConversations(
  dataSource: DataSource,
  principal: Principal,
  viewer: Viewer,
  policy: Policy,
  query: ConversationListQuery,
): Promise<{ items: ConversationListItem[]; next?: ConversationListCursor }> {
  const params: unknown[] = [readerOf(principal.role, principal.sub)];
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  switch (principal.role) {
    case 'operator':
      break;
    case 'staff':
      where.push(`c.shop_id = ${param(principal.shopId)}`);
      break;
    case 'florist':
    case 'dispatcher':
      where.push(`c.shop_id = ${param(principal.shopId)}`, `c.channel = 'internal'`);
      break;
    case 'rider':
      where.push(`c.shop_id = ${param(principal.shopId)}`, `c.rider_id = ${param(principal.sub)}`, `c.channel = 'internal'`);
      // The rider's grace after delivery again, so that a page is not cut short by rows channel-access.ts drops.
      where.push(
        `NOT c.closed`,
        `(c.delivered_at IS NULL OR c.delivered_at > ${param(policy.now)}::timestamptz - make_interval(mins => ${param(policy.riderGraceMinutes)}))`,
      );
      break;
    case 'customer':
      where.push(`c.order_id = ${param(principal.orderId)}`, `c.channel = 'customer'`);
      break;
    default:
      return { items: [] };
  }
  if (query.unread) where.push(`c.message_count > coalesce(r.read_count, 0)`);
  const activeAt = `max(coalesce(last_message_at, opened_at))`;
  const after = query.after ? `HAVING (${activeAt}, order_id) < (${param(query.after.activeAt)}::timestamptz, ${param(query.after.orderId)})` : '';
  const rows: Row[] = await dataSource.query(
    `WITH listed AS (
       SELECT c.*, coalesce(r.read_count, 0) AS read_count
         FROM ${CONVERSATION_CHANNELS_TABLE} c
         LEFT JOIN ${CONVERSATION_READS_TABLE} r ON r.order_id = c.order_id AND r.channel = c.channel AND r.reader = $1
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ), page AS (
       SELECT order_id, ${activeAt} AS active_at
         FROM listed
        GROUP BY order_id
        ${after}
        ORDER BY active_at DESC, order_id DESC
        LIMIT ${param(query.limit + 1)}
     )
     SELECT listed.*, to_char(page.active_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key
       FROM page JOIN listed USING (order_id)
      ORDER BY page.active_at DESC, order_id DESC`,
    params,
  );
  const conversations = new Map<string, Row[]>();
  for (const row of rows) {
    const channels = conversations.get(row.order_id) ?? [];
    channels.push(row);
    conversations.set(row.order_id, channels);
  }
  const page = [...conversations.values()].slice(0, query.limit);
  const last = page.at(-1)?.[0];
  return {
    items: page.flatMap((channels) => {
      const item = itemOf(channels, viewer, policy);
      return item ? [item] : [];
    }),
    next: conversations.size > query.limit && last ? { activeAt: last.cursor_key, orderId: last.order_id } : undefined,
  };
}

/** A conversation as the viewer may see it: only the channels they may read; none, and it is not listed. */
function itemOf(rows: Row[], viewer: Viewer, policy: Policy): ConversationListItem | undefined {
  const readable = rows
    .filter((row) => {
      const facts = {
        orderId: row.order_id,
        shopId: row.shop_id,
        riderId: row.rider_id ?? undefined,
        deliveredAt: row.delivered_at?.toISOString(),
        closed: row.closed,
      };
      return channelAccess(viewer, row.channel, facts, policy).read;
    })
    .sort((a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel));
  if (readable.length === 0) return undefined;
  const lastMessages = readable.flatMap((row) => (row.last_message_at ? [row.last_message_at.toISOString()] : [])).sort();
  return {
    orderId: readable[0].order_id,
    shopId: readable[0].shop_id,
    channels: readable.map((row) => ({ channel: row.channel, unread: row.message_count - Number(row.read_count) })),
    lastMessageAt: lastMessages.at(-1) ?? null,
  };
}

export function encodeConversationCursor(cursor: ConversationListCursor): string {
  return encodePageCursor([cursor.activeAt, cursor.orderId]);
}

export function decodeConversationCursor(text: string): ConversationListCursor {
  const [activeAt, orderId] = decodePageCursor(text, (k): k is [string, string] => k.length === 2 && isCursorTime(k[0]) && isCursorId(k[1]));
  return { activeAt, orderId };
}
