import type { Role } from '@petalpost/contracts';
import type { DataSource } from 'typeorm';
import type { Channel, ConversationFacts } from '../../domain/channel-access';
import type { Message } from '../../domain/conversation.state';
import type { Mention } from '../../domain/message-text';
import { CONVERSATION_CHANNELS_TABLE } from '../conversation-inbox/conversation-inbox.projection';
import { CONVERSATION_MESSAGES_TABLE } from './conversation-messages.projection';

interface MessageRow {
  seq: number;
  message_id: string;
  channel: Channel;
  author_role: Role | null;
  author_subject: string | null;
  text: string;
  quick_reply_id: string | null;
  attachment_refs: string[];
  mentions: Mention[];
  posted_at: Date;
  edits: Array<{ previousText: string; editedAt: string }>;
  recalled_at: Date | null;
}

/** What the access rules need of a conversation, from the inbox read model; undefined if it is not (yet) known. */
export async function conversationFacts(dataSource: DataSource, orderId: string): Promise<ConversationFacts | undefined> {
  const rows: Array<{ shop_id: string; rider_id: string | null; delivered_at: Date | null; closed: boolean }> = await dataSource.query(
    `SELECT shop_id, rider_id, delivered_at, closed FROM ${CONVERSATION_CHANNELS_TABLE} WHERE order_id = $1 LIMIT 1`,
    [orderId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { orderId, shopId: row.shop_id, riderId: row.rider_id ?? undefined, deliveredAt: row.delivered_at?.toISOString(), closed: row.closed };
}

/** One page of a channel's messages, oldest first, after the given seq; `more` when another page follows. */
export async function channelMessages(dataSource: DataSource, orderId: string, channel: Channel, after: number, limit: number): Promise<{ items: Message[]; more: boolean }> {
  const rows: MessageRow[] = await dataSource.query(
    `SELECT * FROM ${CONVERSATION_MESSAGES_TABLE} WHERE order_id = $1 AND channel = $2 AND seq > $3 ORDER BY seq LIMIT $4`,
    [orderId, channel, after, limit + 1],
  );
  return { items: rows.slice(0, limit).map(messageOf), more: rows.length > limit };
}

function messageOf(row: MessageRow): Message {
  return {
    messageId: row.message_id,
    seq: row.seq,
    channel: row.channel,
    author: row.author_role !== null && row.author_subject !== null ? { role: row.author_role, subject: row.author_subject } : null,
    text: row.text,
    ...(row.quick_reply_id !== null ? { quickReplyId: row.quick_reply_id } : {}),
    attachmentRefs: row.attachment_refs,
    mentions: row.mentions,
    postedAt: row.posted_at.toISOString(),
    edits: row.edits,
    ...(row.recalled_at !== null ? { recalledAt: row.recalled_at.toISOString() } : {}),
  };
}
