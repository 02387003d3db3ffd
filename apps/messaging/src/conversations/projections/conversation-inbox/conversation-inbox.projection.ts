import type { Projection, StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { CHANNELS } from '../../domain/channel-access';
import { conversationEventsIn, keepAccessFacts } from '../conversation-read-models';

export const CONVERSATION_CHANNELS_TABLE = 'conversation_channels';
export const MESSAGE_POSITIONS_TABLE = 'conversation_message_positions';
export const CONVERSATION_READS_TABLE = 'conversation_reads';

export const readerOf = (role: string, subject: string) => `${role}:${subject}`;

/**
 * Per channel: how many messages it has, and per reader how many of them they had read (posting
 * counts as having read everything before). Unread = message_count − read_count.
 */
export const conversationInboxProjection: Projection = {
  name: 'conversation-inbox',
  version: 1,
  tables: [CONVERSATION_CHANNELS_TABLE, MESSAGE_POSITIONS_TABLE, CONVERSATION_READS_TABLE],
  async handle(events: StoredEvent[], db: EntityManager, tables: Record<string, string>) {
    const channels = tables[CONVERSATION_CHANNELS_TABLE];
    const positions = tables[MESSAGE_POSITIONS_TABLE];
    const reads = tables[CONVERSATION_READS_TABLE];
    for (const event of conversationEventsIn(events)) {
      await keepAccessFacts(db, channels, event);
      switch (event.type) {
        case 'ConversationOpened':
          for (const channel of CHANNELS) {
            await db.query(`INSERT INTO ${channels} (order_id, channel, shop_id, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
              event.data.orderId,
              channel,
              event.data.shopId,
              event.data.openedAt,
            ]);
          }
          break;
        case 'MessagePosted': {
          const { orderId, channel, messageId, author, postedAt } = event.data;
          // One round trip: the channel's count moves, the message takes that position, its author has read it.
          await db.query(
            `WITH counted AS (
               UPDATE ${channels} SET message_count = message_count + 1, last_message_at = $3 WHERE order_id = $1 AND channel = $2 RETURNING message_count
             ),
             placed AS (
               INSERT INTO ${positions} (message_id, order_id, channel, position) SELECT $4, $1, $2, message_count FROM counted ON CONFLICT DO NOTHING
             )
             INSERT INTO ${reads} (order_id, channel, reader, read_count) SELECT $1, $2, $5, message_count FROM counted WHERE $5::text IS NOT NULL
             ON CONFLICT (order_id, channel, reader) DO UPDATE SET read_count = GREATEST(${reads}.read_count, EXCLUDED.read_count)`,
            [orderId, channel, postedAt, messageId, author ? readerOf(author.role, author.subject) : null],
          );
          break;
        }
        case 'MessagesRead': {
          const { orderId, channel, reader, upToMessageId } = event.data;
          const [row] = await db.query(`SELECT position FROM ${positions} WHERE message_id = $1`, [upToMessageId]);
          if (row) await markRead(db, reads, orderId, channel, readerOf(reader.role, reader.subject), row.position);
          break;
        }
        case 'MessageEdited':
        case 'MessageRecalled':
          break;
        default:
          break;
      }
    }
  },
};

async function markRead(db: EntityManager, reads: string, orderId: string, channel: string, reader: string, count: number) {
  await db.query(
    `INSERT INTO ${reads} (order_id, channel, reader, read_count) VALUES ($1, $2, $3, $4)
     ON CONFLICT (order_id, channel, reader) DO UPDATE SET read_count = GREATEST(${reads}.read_count, EXCLUDED.read_count)`,
    [orderId, channel, reader, count],
  );
}
