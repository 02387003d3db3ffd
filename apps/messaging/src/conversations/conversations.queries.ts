import type { DataSource, EntityManager } from 'typeorm';

/**
 * conversations: the order → shop lookup, one row per order messaging opened a conversation for
 * (written by order-events.consumer.ts). The only code that reads the table.
 */

/** The shop of the order's conversation; undefined for an order messaging has not heard placed. */
export async function shopOfConversation(db: EntityManager | DataSource, orderId: string): Promise<string | undefined> {
  const [row] = await db.query<Array<{ shop_id: string }>>(`SELECT shop_id FROM conversations WHERE order_id = $1`, [orderId]);
  return row?.shop_id;
}
