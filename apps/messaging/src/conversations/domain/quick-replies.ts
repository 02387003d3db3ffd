import { DomainError } from '@petalpost/contracts';
import { sanitizeText } from './message-text';

/** A shop's canned answers ("On my way", "Ring at the side door"), chosen by id when posting. */
export type QuickReply = { id: string; text: string };

export type QuickRepliesEvent = { type: 'QuickRepliesSet'; data: { shopId: string; replies: QuickReply[]; setAt: string } };
export type QuickRepliesCommand = { type: 'SetQuickReplies'; shopId: string; replies: QuickReply[]; now: string };
export type QuickRepliesState = { shopId?: string; replies: QuickReply[] };

export const QUICK_REPLIES_MAX = 50;

/** One stream per shop. */
export function quickRepliesStream(shopId: string): string {
  return `quick-replies-${shopId}`;
}

function decide(command: QuickRepliesCommand, state: QuickRepliesState): QuickRepliesEvent[] {
  const replies = command.replies.map((r) => ({ id: r.id, text: sanitizeText(r.text) }));
  const ids = new Set(replies.map((r) => r.id));
  if (ids.size !== replies.length) throw new DomainError('invalid', 'QUICK_REPLY_DUPLICATE_ID', 'each quick reply needs its own id');
  if (replies.length > QUICK_REPLIES_MAX) throw new DomainError('invalid', 'QUICK_REPLIES_TOO_MANY', `a shop has at most ${QUICK_REPLIES_MAX} quick replies`);
  if (JSON.stringify(replies) === JSON.stringify(state.replies)) return [];
  return [{ type: 'QuickRepliesSet', data: { shopId: command.shopId, replies, setAt: command.now } }];
}

function evolve(_state: QuickRepliesState, event: QuickRepliesEvent): QuickRepliesState {
  return { shopId: event.data.shopId, replies: event.data.replies };
}

export const quickRepliesDecider = { streamType: 'quick-replies', initialState: (): QuickRepliesState => ({ replies: [] }), evolve, decide };
