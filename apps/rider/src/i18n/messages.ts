import { chat } from '../features/chat/messages';
import { shared } from '../features/common/messages';
import { delivery } from '../features/delivery/messages';
import { exceptions } from '../features/exceptions/messages';
import { pickup } from '../features/pickup/messages';
import { run } from '../features/run/messages';
import { stop } from '../features/stop/messages';
import { common } from './common.messages';

/**
 * Every string of the rider's app, by screen: each screen keeps its words beside it
 * (`features/<area>/messages.ts`), in both languages, under its own key. A key missing in one
 * language fails i18n.unit.spec.ts.
 */
export const messages = { common, shared, run, stop, pickup, delivery, exceptions, chat } as const;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function resourcesFor(language: Language): Record<string, unknown> {
  return Object.fromEntries(Object.entries(messages).map(([screen, words]) => [screen, words[language]]));
}
