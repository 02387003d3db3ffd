import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { conversationEventsIn, keepAccessFacts } from '../conversation-read-models';

export const CONVERSATION_MESSAGES_TABLE = 'conversation_messages';
export const CONVERSATION_ACCESS_TABLE = 'conversation_access';
export const READ_POSITIONS_TABLE = 'conversation_read_positions';

/**
 * Every message of every conversation as it reads now (edits applied, recalls marked, earlier
 * versions kept for the shop), numbered 1, 2, 3… per conversation as the decider numbers them:
 * a channel's pages are read from here, not by folding the conversation's stream per request.
 * Beside them, the facts who may read a channel depends on (shop, rider, delivery, closing), from
 * the same events in the same transactions: a page never shows messages the facts beside it lag.
 * And how far each reader has read each channel: the newest message they posted there or marked read.
 */
export const conversationMessagesProjection: Projection = {
  name: 'conversation-messages',
  version: 2,
  tables: [CONVERSATION_MESSAGES_TABLE, CONVERSATION_ACCESS_TABLE, READ_POSITIONS_TABLE],
  async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>) {
    const messages = tables[CONVERSATION_MESSAGES_TABLE];
    const access = tables[CONVERSATION_ACCESS_TABLE];
    const reads = tables[READ_POSITIONS_TABLE];
    // A position only moves forward, so an event applied again changes nothing.
    const moveForward = `ON CONFLICT (order_id, channel, reader_role, reader_subject) DO UPDATE
      SET up_to_seq = EXCLUDED.up_to_seq, up_to_message_id = EXCLUDED.up_to_message_id, read_at = EXCLUDED.read_at
      WHERE ${reads}.up_to_seq < EXCLUDED.up_to_seq`;
    for (const event of conversationEventsIn(events)) {
      await keepAccessFacts(db, access, event);
      switch (event.type) {
        case 'ConversationOpened':
          await db.query(`INSERT INTO ${access} (order_id, shop_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [event.data.orderId, event.data.shopId]);
          break;
        case 'MessagePosted': {
          const { orderId, channel, messageId, author, text, quickReplyId, attachmentRefs, mentions, system, postedAt } = event.data;
          // One statement: the message takes the next number, and its author has read up to it.
          await db.query(
            `WITH placed AS (
               INSERT INTO ${messages} (order_id, seq, message_id, channel, author_role, author_subject, text, quick_reply_id, attachment_refs, mentions, posted_at, system)
               SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM ${messages} WHERE order_id = $1
               ON CONFLICT DO NOTHING
               RETURNING order_id, channel, author_role, author_subject, seq, message_id, posted_at
             )
             INSERT INTO ${reads} (order_id, channel, reader_role, reader_subject, up_to_seq, up_to_message_id, read_at)
             SELECT order_id, channel, author_role, author_subject, seq, message_id, posted_at FROM placed WHERE author_role IS NOT NULL
             ${moveForward}`,
            [
              orderId,
              messageId,
              channel,
              author?.role ?? null,
              author?.subject ?? null,
              text,
              quickReplyId ?? null,
              JSON.stringify(attachmentRefs),
              JSON.stringify(mentions),
              postedAt,
              system ? JSON.stringify(system) : null,
            ],
          );
          break;
        }
        case 'MessageEdited': {
          const { messageId, previousText, text, mentions, editedAt } = event.data;
          await db.query(
            `UPDATE ${messages} SET text = $2, mentions = $3, edits = edits || jsonb_build_array(jsonb_build_object('previousText', $4::text, 'editedAt', $5::text)) WHERE message_id = $1`,
            [messageId, text, JSON.stringify(mentions), previousText, editedAt],
          );
          break;
        }
        case 'MessageRecalled':
          await db.query(`UPDATE ${messages} SET recalled_at = $2 WHERE message_id = $1 AND recalled_at IS NULL`, [
            event.data.messageId,
            event.data.recalledAt,
          ]);
          break;
        case 'MessagesRead': {
          const { upToMessageId, reader, readAt } = event.data;
          await db.query(
            `INSERT INTO ${reads} (order_id, channel, reader_role, reader_subject, up_to_seq, up_to_message_id, read_at)
             SELECT order_id, channel, $2, $3, seq, message_id, $4 FROM ${messages} WHERE message_id = $1
             ${moveForward}`,
            [upToMessageId, reader.role, reader.subject, readAt],
          );
          break;
        }
        default:
          break;
      }
    }
  },
};
