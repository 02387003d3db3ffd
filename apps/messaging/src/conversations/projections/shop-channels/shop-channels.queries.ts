import type { EntityManager } from 'typeorm';
import { SHOP_CHANNELS_TABLE } from './shop-channels.projection';

export interface ShopChannelRow {
  channelId: string;
  shopId: string;
  name: string;
  openedAt: string;
  messageCount: number;
  lastMessageAt: string | null;
}

/** A shop's channels, oldest first (the order they were opened in, so a list does not jump about). */
export async function shopChannelsOf(db: EntityManager, shopId: string): Promise<ShopChannelRow[]> {
  const rows: Array<{ channel_id: string; shop_id: string; name: string; opened_at: Date; message_count: number; last_message_at: Date | null }> =
    await db.query(
      `SELECT channel_id, shop_id, name, opened_at, message_count, last_message_at FROM ${SHOP_CHANNELS_TABLE}
       WHERE shop_id = $1 ORDER BY opened_at, channel_id`,
      [shopId],
    );
  return rows.map((r) => ({
    channelId: r.channel_id,
    shopId: r.shop_id,
    name: r.name,
    openedAt: r.opened_at.toISOString(),
    messageCount: r.message_count,
    lastMessageAt: r.last_message_at?.toISOString() ?? null,
  }));
}
