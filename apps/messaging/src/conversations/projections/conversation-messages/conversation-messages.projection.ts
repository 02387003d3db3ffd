import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { conversationEventsIn, keepAccessFacts } from '../conversation-read-models';

export const CONVERSATION_MESSAGES_TABLE = 'conversation_messages';
export const CONVERSATION_ACCESS_TABLE = 'conversation_access';

/**
 * Every message of every conversation as it reads now (edits applied, recalls marked, earlier
 * versions kept for the shop), numbered 1, 2, 3… per conversation as the decider numbers them:
 * a channel's pages are read from here, not by folding the conversation's stream per request.
 * Beside them, the facts who may read a channel depends on (shop, rider, delivery, closing), from
 * the same events in the same transactions: a page never shows messages the facts beside it lag.
 */
export const conversationMessagesProjection: Projection = {
  name: 'conversation-messages',
  version: 1,
  tables: [CONVERSATION_MESSAGES_TABLE, CONVERSATION_ACCESS_TABLE],
  async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>) {
    const messages = tables[CONVERSATION_MESSAGES_TABLE];
    const access = tables[CONVERSATION_ACCESS_TABLE];
    for (const event of conversationEventsIn(events)) {
      await keepAccessFacts(db, access, event);
      switch (event.type) {
        case 'ConversationOpened':
          await db.query(`INSERT INTO ${access} (order_id, shop_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [event.data.orderId, event.data.shopId]);
          break;
        case 'MessagePosted': {
          const { orderId, channel, messageId, author, text, quickReplyId, attachmentRefs, mentions, postedAt } = event.data;
          await db.query(
            `INSERT INTO ${messages} (order_id, seq, message_id, channel, author_role, author_subject, text, quick_reply_id, attachment_refs, mentions, posted_at)
             SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM ${messages} WHERE order_id = $1
             ON CONFLICT DO NOTHING`,
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
        default:
          break;
      }
    }
  },
};
