import type { Projection, StoredEvent } from '@petalpost/event-store';
import { type ShopChannelEvent, shopChannelStream } from '../../domain/shop-channel';

export const SHOP_CHANNELS_TABLE = 'shop_channels';

const isShopChannelEvent = (stored: StoredEvent): boolean => stored.streamId.startsWith(shopChannelStream(''));

/** One row per shop channel: what the list shows without folding every channel's stream. */
export const shopChannelsProjection: Projection = {
  name: 'shop-channels',
  version: 1,
  tables: [SHOP_CHANNELS_TABLE],
  async handle(events, db, tables) {
    const table = tables[SHOP_CHANNELS_TABLE];
    for (const stored of events.filter(isShopChannelEvent)) {
      const event = stored as unknown as ShopChannelEvent;
      if (event.type === 'ShopChannelOpened') {
        const { channelId, shopId, name, openedAt } = event.data;
        await db.query(`INSERT INTO ${table} (channel_id, shop_id, name, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
          channelId,
          shopId,
          name,
          openedAt,
        ]);
      } else {
        await db.query(`UPDATE ${table} SET message_count = message_count + 1, last_message_at = $2 WHERE channel_id = $1`, [
          event.data.channelId,
          event.data.postedAt,
        ]);
      }
    }
  },
};
