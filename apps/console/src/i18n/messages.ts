import { analytics } from '../features/analytics/messages';
import { board } from '../features/board/messages';
import { dispatch } from '../features/dispatch/messages';
import { exceptions } from '../features/exceptions/messages';
import { intake } from '../features/intake/messages';
import { operator } from '../features/operator/messages';
import { orderForm } from '../features/order-form/messages';
import { order } from '../features/order/messages';
import { print } from '../features/print/messages';
import { production } from '../features/production/messages';
import { shop } from '../features/shop/messages';
import { common } from './common.messages';

/**
 * Every string of the console, by screen: each screen keeps its words beside it, in both
 * languages, under its own key. A key missing in one language fails i18n.unit.spec.ts.
 */
export const messages = { common, production, dispatch, exceptions, board, orderForm, shop, analytics, operator, order, print, intake } as const;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function resourcesFor(language: Language): Record<string, unknown> {
  return Object.fromEntries(Object.entries(messages).map(([screen, words]) => [screen, words[language]]));
}
