import type { Role, SystemNote } from '@petalpost/contracts';
import type { DataSource } from 'typeorm';
import type { Channel, ConversationFacts } from '../../domain/channel-access';
import type { Message } from '../../domain/conversation.state';
import type { Mention } from '../../domain/message-text';
import { CONVERSATION_CHANNELS_TABLE, CONVERSATION_READS_TABLE } from '../conversation-inbox/conversation-inbox.projection';
import { CONVERSATION_ACCESS_TABLE, CONVERSATION_MESSAGES_TABLE, READ_POSITIONS_TABLE } from './conversation-messages.projection';

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
  system: SystemNote | null;
  posted_at: Date;
  edits: Array<{ previousText: string; editedAt: string }>;
  recalled_at: Date | null;
}

/**
 * One page of a channel's messages, oldest first, after the given seq, with the facts who may read
 * it depends on, in one statement (one snapshot); undefined if the conversation is not (yet) known.
 */
export async function channelPage(
  dataSource: DataSource,
  orderId: string,
  channel: Channel,
  after: number,
  limit: number,
): Promise<{ facts: ConversationFacts; items: Message[]; more: boolean } | undefined> {
  const rows: Array<Partial<MessageRow> & { shop_id: string; rider_id: string | null; delivered_at: Date | null; closed: boolean }> = await dataSource.query(
    `SELECT a.shop_id, a.rider_id, a.delivered_at, a.closed, m.*
       FROM ${CONVERSATION_ACCESS_TABLE} a
       LEFT JOIN LATERAL (
         SELECT seq, message_id, channel, author_role, author_subject, text, quick_reply_id, attachment_refs, mentions, system, posted_at, edits, recalled_at
           FROM ${CONVERSATION_MESSAGES_TABLE} WHERE order_id = a.order_id AND channel = $2 AND seq > $3 ORDER BY seq LIMIT $4
       ) m ON true
      WHERE a.order_id = $1
      ORDER BY m.seq`,
    [orderId, channel, after, limit + 1],
  );
  const first = rows[0];
  if (!first) return undefined;
  const facts = { orderId, shopId: first.shop_id, riderId: first.rider_id ?? undefined, deliveredAt: first.delivered_at?.toISOString(), closed: first.closed };
  const messages = rows.filter((row): row is MessageRow & typeof row => row.seq !== null && row.seq !== undefined);
  return { facts, items: messages.slice(0, limit).map(messageOf), more: messages.length > limit };
}

/** How far one reader has read a channel: up to which message, and when they got there. */
export interface ReadPosition {
  reader: { role: Role; subject: string };
  upToMessageId: string;
  upToSeq: number;
  readAt: string;
}

/**
 * A conversation as one reader sees it: the facts who may read which channel depends on, when it
 * opened, per channel the reader's unread count (from the inbox read model) and how far everyone
 * has read it, earliest reader first (who may see that is the caller's to decide); undefined if
 * the conversation is not (yet) known.
 */
export async function conversationOverview(
  dataSource: DataSource,
  orderId: string,
  reader: string,
): Promise<
  { facts: ConversationFacts; openedAt: string; unread: Partial<Record<Channel, number>>; readPositions: Partial<Record<Channel, ReadPosition[]>> } | undefined
> {
  const rows: Array<{
    shop_id: string;
    rider_id: string | null;
    delivered_at: Date | null;
    closed: boolean;
    channel: Channel | null;
    opened_at: Date | null;
    unread: number | null;
    read_positions: ReadPosition[] | null;
  }> = await dataSource.query(
    `SELECT a.shop_id, a.rider_id, a.delivered_at, a.closed, c.channel, c.opened_at, c.message_count - coalesce(r.read_count, 0) AS unread,
            (SELECT json_agg(json_build_object(
                      'reader', json_build_object('role', p.reader_role, 'subject', p.reader_subject),
                      'upToMessageId', p.up_to_message_id,
                      'upToSeq', p.up_to_seq,
                      'readAt', to_char(p.read_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                    ORDER BY p.read_at, p.reader_role, p.reader_subject)
               FROM ${READ_POSITIONS_TABLE} p WHERE p.order_id = a.order_id AND p.channel = c.channel) AS read_positions
         FROM ${CONVERSATION_ACCESS_TABLE} a
         LEFT JOIN ${CONVERSATION_CHANNELS_TABLE} c ON c.order_id = a.order_id
         LEFT JOIN ${CONVERSATION_READS_TABLE} r ON r.order_id = c.order_id AND r.channel = c.channel AND r.reader = $2
        WHERE a.order_id = $1`,
    [orderId, reader],
  );
  const first = rows[0];
  if (!first?.opened_at) return undefined;
  const facts = { orderId, shopId: first.shop_id, riderId: first.rider_id ?? undefined, deliveredAt: first.delivered_at?.toISOString(), closed: first.closed };
  const unread = Object.fromEntries(rows.flatMap((row) => (row.channel ? [[row.channel, Number(row.unread ?? 0)]] : [])));
  const readPositions = Object.fromEntries(rows.flatMap((row) => (row.channel ? [[row.channel, row.read_positions ?? []]] : [])));
  return { facts, openedAt: first.opened_at.toISOString(), unread, readPositions };
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
    ...(row.system !== null ? { system: row.system } : {}),
    postedAt: row.posted_at.toISOString(),
    edits: row.edits,
    ...(row.recalled_at !== null ? { recalledAt: row.recalled_at.toISOString() } : {}),
  };
}
