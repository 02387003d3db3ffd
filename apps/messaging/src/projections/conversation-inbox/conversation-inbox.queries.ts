import type { Principal } from '@petalpost/auth';
import type { DataSource } from 'typeorm';
import { type Channel, channelAccess, type Policy, type Viewer } from '../../domain/channel-access';
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
}

export interface ConversationListItem {
  orderId: string;
  shopId: string;
  channels: Array<{ channel: Channel; unread: number }>;
  lastMessageAt: string | null;
}

/**
 * The caller's conversations, most recently active first, with their unread counts. SQL narrows
 * the rows to the caller's shop, order or rides; channel-access.ts has the last word on each row.
 */
export async function listConversations(
  dataSource: DataSource,
  principal: Principal,
  viewer: Viewer,
  policy: Policy,
  query: { unread?: boolean; limit: number },
): Promise<ConversationListItem[]> {
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
      break;
    case 'customer':
      where.push(`c.order_id = ${param(principal.orderId)}`, `c.channel = 'customer'`);
      break;
    default:
      return [];
  }
  if (query.unread) where.push(`c.message_count > coalesce(r.read_count, 0)`);
  const rows: Row[] = await dataSource.query(
    `SELECT c.*, coalesce(r.read_count, 0) AS read_count
       FROM ${CONVERSATION_CHANNELS_TABLE} c
       LEFT JOIN ${CONVERSATION_READS_TABLE} r ON r.order_id = c.order_id AND r.channel = c.channel AND r.reader = $1
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.last_message_at DESC NULLS LAST, c.opened_at DESC, c.order_id, c.channel
      LIMIT ${param(query.limit * 2)}`,
    params,
  );
  const byOrder = new Map<string, ConversationListItem>();
  for (const row of rows) {
    const facts = {
      orderId: row.order_id,
      shopId: row.shop_id,
      riderId: row.rider_id ?? undefined,
      deliveredAt: row.delivered_at?.toISOString(),
      closed: row.closed,
    };
    if (!channelAccess(viewer, row.channel, facts, policy).read) continue;
    const item = byOrder.get(row.order_id) ?? { orderId: row.order_id, shopId: row.shop_id, channels: [], lastMessageAt: null };
    item.channels.push({ channel: row.channel, unread: row.message_count - Number(row.read_count) });
    const last = row.last_message_at?.toISOString() ?? null;
    if (last !== null && (item.lastMessageAt === null || last > item.lastMessageAt)) item.lastMessageAt = last;
    byOrder.set(row.order_id, item);
  }
  return [...byOrder.values()].slice(0, query.limit);
}
