import { randomUUID } from 'node:crypto';
import { CONSUMER_GROUPS, onOrderEvent, type OrderIntegrationEvent } from '@petalpost/contracts';
import { EventStore, requestFingerprint, runCommand } from '@petalpost/event-store';
import { kafkaConsumer } from '@petalpost/kafka';
import type { ConversationCommand, OrderFact } from '../domain/conversation.commands';
import { conversationDecider } from '../domain/conversation.decider';
import { conversationStream } from '../domain/conversation.events';

/**
 * Order events in: a placed order opens its conversation; its rider joins and leaves the
 * internal channel with assignments; its progress posts system messages. Each order event is
 * applied once (its event id is the idempotency key), on top of the inbox's dedupe.
 */
export const orderEventsConsumer = kafkaConsumer(
  'OrderEventsConsumer',
  (store: EventStore) => ({
    subscription: CONSUMER_GROUPS.messagingOrders,
    handle: onOrderEvent(async (event, envelope, db) => {
      if (event.type === 'OrderPlaced') {
        // The order → shop lookup the attachments use, written with the inbox row.
        await db.query(`INSERT INTO conversations (order_id, shop_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [event.data.orderId, event.data.shopId]);
      }
      const command = commandFor(event);
      if (!command) return;
      const { orderId } = event.data as { orderId: string };
      await runCommand(store, conversationDecider, conversationStream(orderId), command, {
        actor: envelope.metadata.actor,
        idempotency: { key: `orders.events:${envelope.eventId}`, fingerprint: requestFingerprint(envelope.eventId) },
        causationId: envelope.eventId,
        correlationId: envelope.metadata.correlationId,
      });
    }),
  }),
  [EventStore],
);

function commandFor(event: OrderIntegrationEvent): ConversationCommand | undefined {
  const follow = (fact: OrderFact, now: string): ConversationCommand => ({
    type: 'FollowOrder',
    fact,
    messageIds: { internal: randomUUID(), customer: randomUUID() },
    now,
  });
  switch (event.type) {
    case 'OrderPlaced':
      return { type: 'OpenConversation', orderId: event.data.orderId, shopId: event.data.shopId, now: event.data.placedAt };
    case 'RiderAssigned':
      return follow({ kind: 'rider_assigned', riderId: event.data.riderId }, event.data.assignedAt);
    case 'RiderUnassigned':
      return follow({ kind: 'rider_unassigned', riderId: event.data.riderId }, event.data.unassignedAt);
    case 'OutForDelivery':
      return follow({ kind: 'out_for_delivery', riderId: event.data.riderId }, event.data.pickedUpAt);
    case 'OrderDelivered':
      return follow({ kind: 'delivered' }, event.data.deliveredAt);
    case 'OrderCancelled':
      return follow({ kind: 'closed', status: 'cancelled' }, event.data.cancelledAt);
    case 'OrderRejected':
      return follow({ kind: 'closed', status: 'rejected' }, event.data.rejectedAt);
    case 'OrderReturned':
      return follow({ kind: 'closed', status: 'returned' }, event.data.returnedAt);
    default:
      return undefined;
  }
}
