import { sqlMigration } from '@petalpost/platform';

/** The read model behind `GET /shops/:shopId/channels`: a shop's channels, with their last activity. */
export const ShopChannels1768000000300 = sqlMigration('ShopChannels1768000000300', {
  up: [
    `CREATE TABLE shop_channels (
      channel_id      text PRIMARY KEY,
      shop_id         text NOT NULL,
      name            text NOT NULL,
      opened_at       timestamptz NOT NULL,
      message_count   integer NOT NULL DEFAULT 0,
      last_message_at timestamptz
    )`,
    `CREATE INDEX shop_channels_shop ON shop_channels (shop_id, opened_at)`,
  ],
  down: [`DROP TABLE shop_channels`],
});
