import { DomainError, exhaustive, postingLimited, postingWaitSeconds, type SystemNote } from '@petalpost/contracts';
import { type Channel, channelAccess, type Viewer } from './channel-access';
import type { ConversationCommand, OrderFact, Rules } from './conversation.commands';
import type { ConversationEvent } from './conversation.events';
import { authorKey, type Conversation, type ConversationState, evolve, initialState, type Message, readerKey } from './conversation.state';
import { type Mention, parseMentions, sanitizeText } from './message-text';

/**
 * The conversation's rules: who takes part (following the order), who may post where, what a
 * message may say and whom it may @mention. Refusals name their rule with a stable code.
 */

export const conversationNotFound = () => new DomainError('not_found', 'CONVERSATION_NOT_FOUND', 'no such conversation');

export function decide(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  if (command.type === 'OpenConversation') {
    if (state.status !== 'none') return [];
    return [{ type: 'ConversationOpened', data: { orderId: command.orderId, shopId: command.shopId, openedAt: command.now } }];
  }
  if (state.status === 'none') {
    // An order placed before messaging kept conversations has nothing to follow.
    if (command.type === 'FollowOrder') return [];
    throw conversationNotFound();
  }
  const c = state;
  switch (command.type) {
    case 'FollowOrder':
      return follow(c, command.fact, command.messageIds, command.now);
    case 'PostMessage':
      return post(c, command);
    case 'EditMessage': {
      const message = ownMessage(c, command.editor, command.channel, command.messageId, command.rules, command.now);
      const text = sanitizeText(command.text);
      if (text === message.text) return [];
      const mentions = resolveMentions(c, command.channel, mentionsBy(command.editor, text), command.rules, command.now);
      return [{ type: 'MessageEdited', data: { ...aboutMessage(c, command), previousText: message.text, text, mentions, editedAt: command.now } }];
    }
    case 'RecallMessage': {
      const message = ownMessage(c, command.by, command.channel, command.messageId, command.rules, command.now, true);
      if (message.recalledAt !== undefined) return [];
      if (Date.parse(command.now) > Date.parse(message.postedAt) + command.rules.recallSeconds * 1000) {
        throw new DomainError('conflict', 'RECALL_WINDOW_OVER', `a message can be recalled within ${command.rules.recallSeconds} seconds of posting`, {
          postedAt: message.postedAt,
        });
      }
      return [{ type: 'MessageRecalled', data: { ...aboutMessage(c, command), recalledAt: command.now } }];
    }
    case 'MarkRead': {
      requireAccess(c, command.reader, command.channel, command.rules, command.now, 'read');
      const message = c.messages.find((m) => m.messageId === command.upToMessageId && m.channel === command.channel);
      if (!message) throw new DomainError('not_found', 'MESSAGE_NOT_FOUND', 'no such message in this channel');
      const reader = { role: command.reader.role, subject: command.reader.sub };
      if ((c.readUpTo[readerKey(command.channel, reader)] ?? 0) >= message.seq) return [];
      return [{ type: 'MessagesRead', data: { ...ref(c), channel: command.channel, reader, upToMessageId: message.messageId, readAt: command.now } }];
    }
    default:
      return exhaustive(command);
  }
}

const ref = (c: Conversation) => ({ orderId: c.orderId, shopId: c.shopId });

function follow(c: Conversation, fact: OrderFact, messageIds: Record<Channel, string>, at: string): ConversationEvent[] {
  // `system` is what apps word for their reader; the text stays as the English fallback for the others.
  const system = (channel: Channel, text: string, note: SystemNote, riders: Pick<Conversation, 'riderId'> = c): ConversationEvent => ({
    type: 'MessagePosted',
    data: {
      ...ref(c),
      channel,
      messageId: messageIds[channel],
      author: null,
      text,
      attachmentRefs: [],
      mentions: [],
      ...riderOn(riders, channel),
      // Whoever reads the customer channel never learns who rides the order.
      system: channel === 'internal' ? note : { kind: note.kind },
      postedAt: at,
    },
  });
  const joined = (riderId: string): ConversationEvent => ({ type: 'RiderJoined', data: { ...ref(c), riderId, joinedAt: at } });
  switch (fact.kind) {
    case 'rider_assigned':
      if (c.riderId === fact.riderId) return [];
      if (c.riderId === undefined) return [joined(fact.riderId)];
      return [{ type: 'RiderLeft', data: { ...ref(c), riderId: c.riderId, reason: 'reassigned', leftAt: at } }, joined(fact.riderId)];
    case 'rider_unassigned':
      if (c.riderId !== fact.riderId) return [];
      return [{ type: 'RiderLeft', data: { ...ref(c), riderId: fact.riderId, reason: 'unassigned', leftAt: at } }];
    case 'out_for_delivery':
      if (c.orderStatus === 'out_for_delivery') return [];
      return [
        ...(c.riderId === fact.riderId ? [] : [joined(fact.riderId)]),
        { type: 'OrderStatusNoted', data: { ...ref(c), status: 'out_for_delivery', at } },
        system('internal', `Out for delivery with ${fact.riderId}`, { kind: 'out_for_delivery', riderId: fact.riderId }, { riderId: fact.riderId }),
        // The customer never learns who rides their order.
        system('customer', 'Out for delivery', { kind: 'out_for_delivery' }),
      ];
    case 'delivered':
      if (c.deliveredAt !== undefined) return [];
      return [
        { type: 'OrderStatusNoted', data: { ...ref(c), status: 'delivered', at } },
        system('internal', 'Delivered', { kind: 'delivered' }),
        system('customer', 'Delivered', { kind: 'delivered' }),
      ];
    case 'closed': {
      if (c.closed) return [];
      const noted: ConversationEvent = { type: 'OrderStatusNoted', data: { ...ref(c), status: fact.status, at } };
      if (c.riderId === undefined) return [noted];
      return [noted, { type: 'RiderLeft', data: { ...ref(c), riderId: c.riderId, reason: 'order_closed', leftAt: at } }];
    }
    default:
      return exhaustive(fact);
  }
}

/** Internal messages name the rider taking part, so the rider's app is told of them; customer messages never do. */
function riderOn(c: Pick<Conversation, 'riderId'>, channel: Channel): { riderId?: string } {
  return channel === 'internal' && c.riderId !== undefined ? { riderId: c.riderId } : {};
}

/**
 * What every event about a message names: its conversation, channel and id, and the rider while
 * they may still read the channel (internal messages only), so the rider's app is told of it.
 */
function aboutMessage(c: Conversation, { channel, messageId, rules, now }: { channel: Channel; messageId: string; rules: Rules; now: string }) {
  const riderStillReads = channelAccess(riderViewer(c), channel, c, { now, riderGraceMinutes: rules.riderGraceMinutes }).read;
  return { ...ref(c), channel, messageId, ...(riderStillReads ? riderOn(c, channel) : {}) };
}

function post(c: Conversation, command: Extract<ConversationCommand, { type: 'PostMessage' }>): ConversationEvent[] {
  const { channel, author, rules, now } = command;
  requireAccess(c, author, channel, rules, now, 'post');
  if (c.messages.some((m) => m.messageId === command.messageId)) return [];
  const wait = postingWaitSeconds(c.recentPosts[authorKey({ role: author.role, subject: author.sub })] ?? [], now);
  if (wait > 0) throw postingLimited(wait);
  const raw = command.text ?? command.quickReply?.text;
  if (raw === undefined) throw new DomainError('invalid', 'MESSAGE_EMPTY', 'a message needs some text or a quick reply');
  const text = sanitizeText(raw);
  const mentions = resolveMentions(c, channel, mentionsBy(author, text), rules, now);
  return [
    {
      type: 'MessagePosted',
      data: {
        ...aboutMessage(c, command),
        author: { role: author.role, subject: author.sub },
        text,
        ...(command.quickReply ? { quickReplyId: command.quickReply.id } : {}),
        attachmentRefs: command.attachmentRefs,
        mentions,
        postedAt: now,
      },
    },
  ];
}

/** Only its author changes a message, while they may still post in its channel, and never once recalled. */
function ownMessage(c: Conversation, author: Viewer, channel: Channel, messageId: string, rules: Rules, now: string, recalling = false): Message {
  requireAccess(c, author, channel, rules, now, 'post');
  const message = c.messages.find((m) => m.messageId === messageId && m.channel === channel);
  if (!message) throw new DomainError('not_found', 'MESSAGE_NOT_FOUND', 'no such message in this channel');
  if (message.author?.role !== author.role || message.author.subject !== author.sub) {
    throw new DomainError('forbidden', 'NOT_THE_AUTHOR', 'only its author may change a message');
  }
  if (message.recalledAt !== undefined && !recalling)
    throw new DomainError('conflict', 'MESSAGE_RECALLED', 'a recalled message cannot be edited', { recalledAt: message.recalledAt });
  return message;
}

function riderViewer(c: Conversation): Viewer {
  return { role: 'rider', sub: c.riderId ?? '', shopId: c.shopId };
}

/**
 * Whoever may not read the channel is told it does not exist (404); whoever may read but not
 * post (operators) is refused (403).
 */
function requireAccess(c: Conversation, viewer: Viewer, channel: Channel, rules: Rules, now: string, need: 'read' | 'post'): void {
  const access = channelAccess(viewer, channel, c, { now, riderGraceMinutes: rules.riderGraceMinutes });
  if (!access.read) throw conversationNotFound();
  if (need === 'post' && !access.post) throw new DomainError('forbidden', 'CHANNEL_READ_ONLY', `you may read the ${channel} channel but not post in it`);
}

/** The shop's people mention one another; a customer has nobody to mention, so their "@" is just text. */
function mentionsBy(author: Viewer, text: string): Mention[] {
  return author.role === 'customer' ? [] : parseMentions(text);
}

/** A person must be known to the conversation and allowed to read the channel; a role must be allowed to read it. */
function resolveMentions(c: Conversation, channel: Channel, mentions: Mention[], rules: Rules, now: string): Mention[] {
  const policy = { now, riderGraceMinutes: rules.riderGraceMinutes };
  const unknown: string[] = [];
  const notAllowed: string[] = [];
  for (const mention of mentions) {
    if (mention.kind === 'role') {
      if (!channelAccess({ role: mention.role, sub: '', shopId: c.shopId }, channel, c, policy).read) notAllowed.push(`@${mention.role}`);
      continue;
    }
    const person = c.participants.find((p) => p.subject === mention.subject);
    if (!person) {
      unknown.push(mention.subject);
      continue;
    }
    const viewer: Viewer =
      person.role === 'customer' ? { role: 'customer', sub: person.subject, orderId: c.orderId } : { role: person.role, sub: person.subject, shopId: c.shopId };
    if (!channelAccess(viewer, channel, c, policy).read) notAllowed.push(person.subject);
  }
  if (notAllowed.length > 0) {
    throw new DomainError('invalid', 'MENTION_NOT_ALLOWED', `${notAllowed.join(', ')} may not see the ${channel} channel`, { mentions: notAllowed, channel });
  }
  if (unknown.length > 0) {
    throw new DomainError('invalid', 'MENTION_UNKNOWN', `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not known in this conversation`, {
      mentions: unknown,
    });
  }
  return mentions;
}

/** The conversation aggregate as the event store's command handler runs it. */
export const conversationDecider = { streamType: 'conversation', initialState, evolve, decide };
