import type { Role, SystemNote } from '@petalpost/contracts';
import type { Channel } from './channel-access';
import type { Mention } from './message-text';

/**
 * Facts of an order's conversation, in the past tense, as the messaging log stores them. One
 * stream per order (`conversation-<orderId>`); what of them is published on `messaging.events`
 * is relay/conversation-integration-events.ts.
 */
type Ref = { orderId: string; shopId: string };

/** Who wrote a message; null for the messages the service writes itself from the order's progress. */
export type Author = { role: Role; subject: string } | null;

/** Order statuses the conversation keeps track of (from orders.events). */
export type FollowedStatus = 'out_for_delivery' | 'delivered' | 'cancelled' | 'rejected' | 'returned';

export type ConversationEvent =
  | { type: 'ConversationOpened'; data: Ref & { openedAt: string } }
  | { type: 'RiderJoined'; data: Ref & { riderId: string; joinedAt: string } }
  | { type: 'RiderLeft'; data: Ref & { riderId: string; reason: 'unassigned' | 'reassigned' | 'order_closed'; leftAt: string } }
  | { type: 'OrderStatusNoted'; data: Ref & { status: FollowedStatus; at: string } }
  | {
      type: 'MessagePosted';
      data: Ref & {
        channel: Channel;
        messageId: string;
        author: Author;
        text: string;
        quickReplyId?: string;
        attachmentRefs: string[];
        mentions: Mention[];
        /** The rider taking part when an internal message was posted: their app hears of it. */
        riderId?: string;
        /** What a message of the service itself says, for apps to word (absent on those posted before it was kept). */
        system?: SystemNote;
        postedAt: string;
      };
    }
  | {
      type: 'MessageEdited';
      /** The log keeps what it said before: the shop's staff see every version. */
      data: Ref & { channel: Channel; messageId: string; previousText: string; text: string; mentions: Mention[]; riderId?: string; editedAt: string };
    }
  | { type: 'MessageRecalled'; data: Ref & { channel: Channel; messageId: string; riderId?: string; recalledAt: string } }
  | { type: 'MessagesRead'; data: Ref & { channel: Channel; reader: { role: Role; subject: string }; upToMessageId: string; readAt: string } };

export type ConversationEventType = ConversationEvent['type'];

/** One stream per order's conversation. */
export function conversationStream(orderId: string): string {
  return `conversation-${orderId}`;
}
