import { DomainError } from '@petalpost/contracts';
import { shopChannelAccess, type Viewer } from './channel-access';
import type { Author } from './conversation.events';
import type { Message, Participant } from './conversation.state';
import { type Mention, parseMentions, sanitizeText } from './message-text';

/** A channel for the people of one shop — staff, florists, dispatchers, riders — not tied to an order ("today's deliveries"): one stream each. */
type Ref = { shopId: string; channelId: string };

/** A message as in an order's conversation, but in no channel of it, and never edited or recalled. */
export type ShopChannelMessage = Omit<Message, 'channel' | 'edits' | 'recalledAt'>;

export type ShopChannelEvent =
  | { type: 'ShopChannelOpened'; data: Ref & { name: string; openedAt: string } }
  | {
      type: 'ShopChannelMessagePosted';
      data: Ref & { messageId: string; author: Author; text: string; quickReplyId?: string; attachmentRefs: string[]; mentions: Mention[]; postedAt: string };
    };

export type ShopChannelCommand =
  | { type: 'OpenShopChannel'; shopId: string; channelId: string; name: string; opener: Viewer; now: string }
  | {
      type: 'PostShopChannelMessage';
      messageId: string;
      author: Viewer;
      text?: string;
      quickReply?: { id: string; text: string };
      attachmentRefs: string[];
      now: string;
    };

export type ShopChannel = Ref & { status: 'open'; name: string; openedAt: string; participants: Participant[]; messages: ShopChannelMessage[] };
export type ShopChannelState = { status: 'none' } | ShopChannel;

export const SHOP_CHANNEL_NAME_MAX = 80;

export function shopChannelStream(channelId: string): string {
  return `shop-channel-${channelId}`;
}

export const shopChannelNotFound = () => new DomainError('not_found', 'CHANNEL_NOT_FOUND', 'no such channel');

function requireAccess(viewer: Viewer, shopId: string, need: 'read' | 'post'): void {
  const access = shopChannelAccess(viewer, shopId);
  if (!access.read) throw shopChannelNotFound();
  if (need === 'post' && !access.post) throw new DomainError('forbidden', 'CHANNEL_READ_ONLY', 'you may read this channel but not post in it');
}

function decide(command: ShopChannelCommand, state: ShopChannelState): ShopChannelEvent[] {
  if (command.type === 'OpenShopChannel') {
    requireAccess(command.opener, command.shopId, 'post');
    // Riders talk in the shop's channels from the road; which channels there are is the shop's to set.
    if (command.opener.role === 'rider')
      throw new DomainError('forbidden', 'CHANNEL_OPEN_NOT_ALLOWED', "riders post in the shop's channels but do not open them");
    if (state.status !== 'none') return [];
    const name = sanitizeText(command.name);
    if (name.length > SHOP_CHANNEL_NAME_MAX)
      throw new DomainError('invalid', 'CHANNEL_NAME_TOO_LONG', `a channel name is at most ${SHOP_CHANNEL_NAME_MAX} characters`);
    return [{ type: 'ShopChannelOpened', data: { shopId: command.shopId, channelId: command.channelId, name, openedAt: command.now } }];
  }
  if (state.status === 'none') throw shopChannelNotFound();
  requireAccess(command.author, state.shopId, 'post');
  if (state.messages.some((m) => m.messageId === command.messageId)) return [];
  const raw = command.text ?? command.quickReply?.text;
  if (raw === undefined) throw new DomainError('invalid', 'MESSAGE_EMPTY', 'a message needs some text or a quick reply');
  const text = sanitizeText(raw);
  const mentions = parseMentions(text);
  // Everyone a shop channel knows posted in it, as someone of the shop who may read it.
  const unknown = mentions.flatMap((m) => (m.kind === 'person' && !state.participants.some((p) => p.subject === m.subject) ? [m.subject] : []));
  if (unknown.length > 0) {
    throw new DomainError('invalid', 'MENTION_UNKNOWN', `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not known in this channel`, {
      mentions: unknown,
    });
  }
  return [
    {
      type: 'ShopChannelMessagePosted',
      data: {
        shopId: state.shopId,
        channelId: state.channelId,
        messageId: command.messageId,
        author: { role: command.author.role, subject: command.author.sub },
        text,
        ...(command.quickReply ? { quickReplyId: command.quickReply.id } : {}),
        attachmentRefs: command.attachmentRefs,
        mentions,
        postedAt: command.now,
      },
    },
  ];
}

function evolve(state: ShopChannelState, event: ShopChannelEvent): ShopChannelState {
  if (event.type === 'ShopChannelOpened') {
    const { shopId, channelId, name, openedAt } = event.data;
    return { status: 'open', shopId, channelId, name, openedAt, participants: [], messages: [] };
  }
  if (state.status === 'none') return state;
  const { author, ...message } = event.data;
  const participants =
    author && !state.participants.some((p) => p.role === author.role && p.subject === author.subject) ? [...state.participants, author] : state.participants;
  return { ...state, participants, messages: [...state.messages, { ...message, author, seq: state.messages.length + 1 }] };
}

export const shopChannelDecider = { streamType: 'shop-channel', initialState: (): ShopChannelState => ({ status: 'none' }), evolve, decide };
