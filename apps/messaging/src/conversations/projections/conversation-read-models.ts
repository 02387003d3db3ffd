import type { StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import { conversationStream, type ConversationEvent } from '../domain/conversation.events';

// What both read models of the conversations (conversation-inbox, conversation-messages) do alike.

/** The conversations' events in a batch of the messaging log, which holds shop channels' and exceptions' too. */
export function conversationEventsIn(batch: readonly StoredEvent[]): ConversationEvent[] {
  return batch.filter((stored) => stored.streamId.startsWith(conversationStream(''))) as unknown as ConversationEvent[];
}

/**
 * Keeps, in a read model's `table` (rows keyed by order_id), the facts who may read an order's
 * channels depends on: the rider taking part, when the order was delivered, and whether it closed.
 * Other events change none of them.
 */
export async function keepAccessFacts(db: EntityManager, table: string, event: ConversationEvent): Promise<void> {
  const { orderId } = event.data;
  switch (event.type) {
    case 'RiderJoined':
      await db.query(`UPDATE ${table} SET rider_id = $2 WHERE order_id = $1`, [orderId, event.data.riderId]);
      break;
    case 'RiderLeft':
      await db.query(`UPDATE ${table} SET rider_id = NULL WHERE order_id = $1 AND rider_id = $2`, [orderId, event.data.riderId]);
      break;
    case 'OrderStatusNoted':
      if (event.data.status === 'delivered') await db.query(`UPDATE ${table} SET delivered_at = $2 WHERE order_id = $1`, [orderId, event.data.at]);
      else if (event.data.status !== 'out_for_delivery') await db.query(`UPDATE ${table} SET closed = true WHERE order_id = $1`, [orderId]);
      break;
  }
}
