import { DomainError } from '@petalpost/contracts';
import { sanitizeText } from './message-text';

/**
 * A shop's canned answers ("On my way", "Ring at the side door"), chosen by id when posting. A
 * reply may say which language it is in (`locale`, a BCP 47 tag such as `en` or `zh-CN`), so an
 * app offers its reader those of their language; one without a locale is offered to everyone.
 */
export type QuickReply = { id: string; text: string; locale?: string };

export type QuickRepliesEvent = { type: 'QuickRepliesSet'; data: { shopId: string; replies: QuickReply[]; setAt: string } };
export type QuickRepliesCommand = { type: 'SetQuickReplies'; shopId: string; replies: QuickReply[]; now: string };
export type QuickRepliesState = { shopId?: string; replies: QuickReply[] };

export const QUICK_REPLIES_MAX = 50;

/**
 * What a shop that never set its quick replies offers: what riders say most on the road, in the
 * two languages the apps speak. Once the shop sets its own (even none), these are gone.
 */
export const DEFAULT_QUICK_REPLIES: readonly QuickReply[] = [
  { id: 'five-minutes-away-en', text: '5 minutes away', locale: 'en' },
  { id: 'five-minutes-away-zh-cn', text: '还有5分钟到', locale: 'zh-CN' },
  { id: 'at-the-door-en', text: 'At the door', locale: 'en' },
  { id: 'at-the-door-zh-cn', text: '已到门口', locale: 'zh-CN' },
  { id: 'cannot-find-entrance-en', text: "Can't find the entrance", locale: 'en' },
  { id: 'cannot-find-entrance-zh-cn', text: '找不到入口', locale: 'zh-CN' },
  { id: 'running-late-en', text: 'Running late', locale: 'en' },
  { id: 'running-late-zh-cn', text: '会晚一点到', locale: 'zh-CN' },
];

/** The replies a shop offers now: its own once it set them, else the defaults. */
export function quickRepliesOf(state: QuickRepliesState): { replies: QuickReply[]; defaults: boolean } {
  return state.shopId === undefined ? { replies: [...DEFAULT_QUICK_REPLIES], defaults: true } : { replies: state.replies, defaults: false };
}

/** One stream per shop. */
export function quickRepliesStream(shopId: string): string {
  return `quick-replies-${shopId}`;
}

function decide(command: QuickRepliesCommand, state: QuickRepliesState): QuickRepliesEvent[] {
  const replies = command.replies.map((r) => ({ id: r.id, text: sanitizeText(r.text), ...(r.locale ? { locale: r.locale } : {}) }));
  const ids = new Set(replies.map((r) => r.id));
  if (ids.size !== replies.length) throw new DomainError('invalid', 'QUICK_REPLY_DUPLICATE_ID', 'each quick reply needs its own id');
  if (replies.length > QUICK_REPLIES_MAX) throw new DomainError('invalid', 'QUICK_REPLIES_TOO_MANY', `a shop has at most ${QUICK_REPLIES_MAX} quick replies`);
  // Setting none the first time is a choice too: it takes the defaults away.
  if (state.shopId !== undefined && JSON.stringify(replies) === JSON.stringify(state.replies)) return [];
  return [{ type: 'QuickRepliesSet', data: { shopId: command.shopId, replies, setAt: command.now } }];
}

function evolve(_state: QuickRepliesState, event: QuickRepliesEvent): QuickRepliesState {
  return { shopId: event.data.shopId, replies: event.data.replies };
}

export const quickRepliesDecider = { streamType: 'quick-replies', initialState: (): QuickRepliesState => ({ replies: [] }), evolve, decide };
