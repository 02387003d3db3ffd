import { sqlMigration } from '@petalpost/platform';

/**
 * The read model behind a channel's message pages: one row per message, as it reads now, with its
 * earlier versions; and what the access rules need of each conversation, kept beside them so a page
 * and the decision who may read it come from one snapshot.
 */
export const ConversationMessages1766000000700 = sqlMigration('ConversationMessages1766000000700', {
  up: [
    `CREATE TABLE conversation_messages (
      order_id        text NOT NULL,
      seq             integer NOT NULL,
      message_id      text NOT NULL,
      channel         text NOT NULL,
      author_role     text,
      author_subject  text,
      text            text NOT NULL,
      quick_reply_id  text,
      attachment_refs jsonb NOT NULL,
      mentions        jsonb NOT NULL,
      posted_at       timestamptz NOT NULL,
      edits           jsonb NOT NULL DEFAULT '[]',
      recalled_at     timestamptz,
      PRIMARY KEY (order_id, seq)
    )`,
    `CREATE UNIQUE INDEX conversation_messages_id ON conversation_messages (message_id)`,
    `CREATE INDEX conversation_messages_page ON conversation_messages (order_id, channel, seq)`,
    `CREATE TABLE conversation_access (
      order_id     text PRIMARY KEY,
      shop_id      text NOT NULL,
      rider_id     text,
      delivered_at timestamptz,
      closed       boolean NOT NULL DEFAULT false
    )`,
  ],
  down: [`DROP TABLE conversation_access, conversation_messages`],
});
