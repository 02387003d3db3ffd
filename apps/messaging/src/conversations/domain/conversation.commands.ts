import type { Channel, Viewer } from './channel-access';

/** What the order did, as far as its conversation cares (from orders.events). */
export type OrderFact =
  | { kind: 'rider_assigned'; riderId: string }
  | { kind: 'rider_unassigned'; riderId: string }
  | { kind: 'out_for_delivery'; riderId: string }
  | { kind: 'delivered' }
  | { kind: 'closed'; status: 'cancelled' | 'rejected' | 'returned' };

/** The service's settings the rules depend on. */
export type Rules = { riderGraceMinutes: number; recallSeconds: number };

export type ConversationCommand =
  | { type: 'OpenConversation'; orderId: string; shopId: string; now: string }
  /** `messageIds`: for the system messages the fact may post, one per channel. */
  | { type: 'FollowOrder'; fact: OrderFact; messageIds: Record<Channel, string>; now: string }
  | {
      type: 'PostMessage';
      channel: Channel;
      messageId: string;
      author: Viewer;
      text?: string;
      /** The shop's template, looked up by the id the author chose. */
      quickReply?: { id: string; text: string };
      attachmentRefs: string[];
      rules: Rules;
      now: string;
    }
  | { type: 'EditMessage'; channel: Channel; messageId: string; editor: Viewer; text: string; rules: Rules; now: string }
  | { type: 'RecallMessage'; channel: Channel; messageId: string; by: Viewer; rules: Rules; now: string }
  | { type: 'MarkRead'; channel: Channel; reader: Viewer; upToMessageId: string; rules: Rules; now: string };

export type ConversationCommandType = ConversationCommand['type'];
