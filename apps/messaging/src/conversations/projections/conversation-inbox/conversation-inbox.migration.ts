import { sqlMigration } from '@petalpost/platform';

/** The read model behind `GET /conversations`: each channel's message count and how far each reader has read it. */
export const ConversationInbox1764000000600 = sqlMigration('ConversationInbox1764000000600', {
  up: [
    `CREATE TABLE conversation_channels (
      order_id        text NOT NULL,
      channel         text NOT NULL,
      shop_id         text NOT NULL,
      rider_id        text,
      delivered_at    timestamptz,
      closed          boolean NOT NULL DEFAULT false,
      message_count   integer NOT NULL DEFAULT 0,
      last_message_at timestamptz,
      opened_at       timestamptz NOT NULL,
      PRIMARY KEY (order_id, channel)
    )`,
    `CREATE INDEX conversation_channels_shop ON conversation_channels (shop_id, last_message_at DESC)`,
    `CREATE INDEX conversation_channels_rider ON conversation_channels (rider_id) WHERE rider_id IS NOT NULL`,
    `CREATE TABLE conversation_message_positions (
      message_id text PRIMARY KEY,
      order_id   text NOT NULL,
      channel    text NOT NULL,
      position   integer NOT NULL
    )`,
    `CREATE TABLE conversation_reads (
      order_id   text NOT NULL,
      channel    text NOT NULL,
      reader     text NOT NULL,
      read_count integer NOT NULL,
      PRIMARY KEY (order_id, channel, reader)
    )`,
  ],
  down: [`DROP TABLE conversation_reads, conversation_message_positions, conversation_channels`],
});
