import { sqlMigration } from '@petalpost/platform';

/**
 * How far each reader has read each channel (the message, its number, when), beside the messages in
 * the conversation-messages read model. Filled here from the log once, since the projection's
 * checkpoint is already past the reads it would otherwise have missed: a reader's position is the
 * newest message they posted or marked read. Events after the checkpoint are applied again by the
 * projection, which only ever moves a position forward.
 */
export const ConversationReadPositions1768000000000 = sqlMigration('ConversationReadPositions1768000000000', {
  up: [
    `CREATE TABLE conversation_read_positions (
      order_id         text NOT NULL,
      channel          text NOT NULL,
      reader_role      text NOT NULL,
      reader_subject   text NOT NULL,
      up_to_seq        integer NOT NULL,
      up_to_message_id text NOT NULL,
      read_at          timestamptz NOT NULL,
      PRIMARY KEY (order_id, channel, reader_role, reader_subject)
    )`,
    `INSERT INTO conversation_read_positions (order_id, channel, reader_role, reader_subject, up_to_seq, up_to_message_id, read_at)
     SELECT DISTINCT ON (m.order_id, m.channel, r.role, r.subject) m.order_id, m.channel, r.role, r.subject, m.seq, m.message_id, r.at
       FROM (
         SELECT data->>'messageId' AS message_id, data->'author'->>'role' AS role, data->'author'->>'subject' AS subject, (data->>'postedAt')::timestamptz AS at
           FROM events WHERE type = 'MessagePosted' AND stream_id LIKE 'conversation-%' AND jsonb_typeof(data->'author') = 'object'
         UNION ALL
         SELECT data->>'upToMessageId', data->'reader'->>'role', data->'reader'->>'subject', (data->>'readAt')::timestamptz
           FROM events WHERE type = 'MessagesRead' AND stream_id LIKE 'conversation-%'
       ) r
       JOIN conversation_messages m ON m.message_id = r.message_id
      ORDER BY m.order_id, m.channel, r.role, r.subject, m.seq DESC, r.at DESC`,
  ],
  down: [`DROP TABLE conversation_read_positions`],
});
