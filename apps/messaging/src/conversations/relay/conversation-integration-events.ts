import { createEventEncoder, type IntegrationEvent, MESSAGING_EVENT_CONTRACTS } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import { conversationStream, type ConversationEvent } from '../domain/conversation.events';
import type { Mention } from '../domain/message-text';
import { type ShopChannelEvent, shopChannelStream } from '../domain/shop-channel';

/**
 * What of the messaging log is published on `messaging.events`, in the contracts' shapes
 * (libs/contracts/src/messaging.ts), each with the Kafka key it goes out under: the order id
 * (a shop channel, which has no order: its stream id).
 * The order statuses the conversation notes stay in (orders publishes those itself); so do the
 * shops' quick replies.
 */
const encode = createEventEncoder(MESSAGING_EVENT_CONTRACTS);

export function toIntegrationEvents(batch: readonly StoredEvent[]): Array<{ key: string; event: IntegrationEvent }> {
  return batch.flatMap((stored) => {
    const conversation = stored.streamId.startsWith(conversationStream(''));
    if (!conversation && !stored.streamId.startsWith(shopChannelStream(''))) return [];
    const data = conversation ? contractData(stored as unknown as ConversationEvent) : shopChannelData(stored as unknown as ShopChannelEvent);
    if (data === undefined) return [];
    const { orderId } = stored.data as { orderId?: string };
    return [{ key: orderId ?? stored.streamId, event: encode(stored, data) }];
  });
}

/** Notifications routes `data.mentions` as the mentioned people's subjects, and the roles of `mentionRefs` (every mention as written). */
function withMentions(mentions: Mention[]) {
  return { mentions: mentions.flatMap((m) => (m.kind === 'person' ? [m.subject] : [])), mentionRefs: mentions };
}

function shopChannelData(event: ShopChannelEvent): unknown {
  return event.type === 'ShopChannelMessagePosted' ? { ...event.data, ...withMentions(event.data.mentions) } : event.data;
}

function contractData(event: ConversationEvent): unknown {
  switch (event.type) {
    case 'ConversationOpened':
      return { ...event.data, channels: ['internal', 'customer'] };
    case 'MessagePosted':
      return { ...event.data, ...withMentions(event.data.mentions) };
    case 'MessageEdited': {
      // What it said before stays in the log for the shop's staff; it is not pushed to everyone who reads the channel.
      const { previousText: _previous, mentions, ...rest } = event.data;
      return { ...rest, ...withMentions(mentions) };
    }
    case 'MessageRecalled':
      // An internal recall names the rider taking part (as posts and edits do): their app hides it too.
      return event.data;
    case 'RiderJoined':
    case 'RiderLeft':
    case 'MessagesRead':
      return event.data;
    case 'OrderStatusNoted':
      return undefined;
    default:
      return undefined;
  }
}
