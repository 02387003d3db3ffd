import { exhaustive, POSTING_LIMIT, type Role, type SystemNote } from '@petalpost/contracts';
import type { Channel, ConversationFacts } from './channel-access';
import type { Author, ConversationEvent, FollowedStatus } from './conversation.events';
import type { Mention } from './message-text';

export type Message = {
  messageId: string;
  /** 1, 2, 3… in the conversation: the cursor of its pages. */
  seq: number;
  channel: Channel;
  author: Author;
  text: string;
  quickReplyId?: string;
  attachmentRefs: string[];
  mentions: Mention[];
  /** Messages of the service itself: what they say, for apps to word. */
  system?: SystemNote;
  postedAt: string;
  /** Earlier versions, oldest first: the shop's audit trail. */
  edits: Array<{ previousText: string; editedAt: string }>;
  /** Recalled from view: others see "recalled", the shop's staff still see what it said. */
  recalledAt?: string;
};

/** Someone known to have taken part: posted, read, or was assigned as the rider. */
export type Participant = { role: Role; subject: string };

export type Conversation = ConversationFacts & {
  status: 'open';
  openedAt: string;
  orderStatus?: FollowedStatus;
  /** Everyone known to the conversation, in order of appearance (mentions are resolved against them). */
  participants: Participant[];
  messages: Message[];
  /** The seq each reader has read up to, by `${channel}:${role}:${subject}`. */
  readUpTo: Record<string, number>;
  /** When each author posted last (the latest POSTING_LIMIT.posts), by `${role}:${subject}`: what the posting limit counts. */
  recentPosts: Record<string, string[]>;
};

export type ConversationState = { status: 'none' } | Conversation;

export function initialState(): ConversationState {
  return { status: 'none' };
}

export const readerKey = (channel: Channel, reader: Participant) => `${channel}:${reader.role}:${reader.subject}`;
export const authorKey = (author: Participant) => `${author.role}:${author.subject}`;

function withParticipant(conversation: Conversation, person: Participant | null): Participant[] {
  if (person === null) return conversation.participants;
  const known = conversation.participants.some((p) => p.role === person.role && p.subject === person.subject);
  return known ? conversation.participants : [...conversation.participants, person];
}

export function evolve(state: ConversationState, event: ConversationEvent): ConversationState {
  if (event.type === 'ConversationOpened') {
    const { orderId, shopId, openedAt } = event.data;
    return { status: 'open', orderId, shopId, openedAt, closed: false, participants: [], messages: [], readUpTo: {}, recentPosts: {} };
  }
  if (state.status === 'none') return state;
  const c = state;
  switch (event.type) {
    case 'RiderJoined':
      return { ...c, riderId: event.data.riderId, participants: withParticipant(c, { role: 'rider', subject: event.data.riderId }) };
    case 'RiderLeft':
      return c.riderId === event.data.riderId ? { ...c, riderId: undefined } : c;
    case 'OrderStatusNoted': {
      const { status, at } = event.data;
      if (status === 'delivered') return { ...c, orderStatus: status, deliveredAt: at };
      if (status === 'out_for_delivery') return { ...c, orderStatus: status };
      return { ...c, orderStatus: status, closed: true };
    }
    case 'MessagePosted': {
      const { channel, messageId, author, text, quickReplyId, attachmentRefs, mentions, system, postedAt } = event.data;
      const message: Message = {
        messageId,
        seq: c.messages.length + 1,
        channel,
        author,
        text,
        quickReplyId,
        attachmentRefs,
        mentions,
        ...(system ? { system } : {}),
        postedAt,
        edits: [],
      };
      if (!author) return { ...c, messages: [...c.messages, message] };
      const readUpTo = { ...c.readUpTo, [readerKey(channel, author)]: message.seq };
      const key = authorKey(author);
      const recentPosts = { ...c.recentPosts, [key]: [...(c.recentPosts[key] ?? []), postedAt].slice(-POSTING_LIMIT.posts) };
      return { ...c, messages: [...c.messages, message], participants: withParticipant(c, author), readUpTo, recentPosts };
    }
    case 'MessageEdited': {
      const { messageId, previousText, text, mentions, editedAt } = event.data;
      return withMessage(c, messageId, (m) => ({ ...m, text, mentions, edits: [...m.edits, { previousText, editedAt }] }));
    }
    case 'MessageRecalled':
      return withMessage(c, event.data.messageId, (m) => ({ ...m, recalledAt: event.data.recalledAt }));
    case 'MessagesRead': {
      const { channel, reader, upToMessageId } = event.data;
      const seq = c.messages.find((m) => m.messageId === upToMessageId)?.seq ?? 0;
      const key = readerKey(channel, reader);
      return { ...c, participants: withParticipant(c, reader), readUpTo: { ...c.readUpTo, [key]: Math.max(c.readUpTo[key] ?? 0, seq) } };
    }
    default:
      return exhaustive(event);
  }
}

function withMessage(c: Conversation, messageId: string, change: (m: Message) => Message): Conversation {
  return { ...c, messages: c.messages.map((m) => (m.messageId === messageId ? change(m) : m)) };
}
