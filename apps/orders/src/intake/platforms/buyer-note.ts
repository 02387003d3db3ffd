import { CARD_MESSAGE_MAX } from '@petalpost/contracts';
import { z } from 'zod';
import type { PlatformRules } from './platform-connector';

/**
 * How a platform order is read when the shop has not adjusted it. Buyers write the card text after
 * 贺卡/卡片/祝福语 and ask for anonymity in the same free text (Meituan `caution`: notes/
 * china-platforms.md, "verify"): these are the words seen there.
 */
export const DEFAULT_PLATFORM_RULES: PlatformRules = {
  cardMarkers: ['贺卡', '卡片', '祝福语', 'card'],
  anonymousWords: ['匿名', '不留名', '不要留名', '保密', 'anonymous'],
  asapMinutes: 60,
  privacyNumberHours: 3,
};

const words = z.array(z.string().trim().min(1).max(20)).min(1).max(20);

/** What a shop may set of its rules on a connection (each part replaces the default's). */
export const PlatformRulesOverridesSchema = z
  .strictObject({
    cardMarkers: words.optional().describe('Words after which the buyer writes the card (default 贺卡, 卡片, 祝福语, card)'),
    anonymousWords: words.optional().describe('Words asking for the sender to stay unnamed (default 匿名, 不留名, 不要留名, 保密, anonymous)'),
    asapMinutes: z.number().int().min(15).max(480).optional().describe('"As soon as possible": the window is now to this many minutes on (default 60)'),
    privacyNumberHours: z
      .number()
      .int()
      .min(0)
      .max(72)
      .optional()
      .describe('A privacy number without a given expiry lasts this many hours after the window (default 3)'),
  })
  .describe("How this shop's platform orders are read, where it departs from the defaults");

/** The shop's adjustments over the defaults: a list the shop gives replaces the default list. */
export function platformRulesWith(overrides: Partial<PlatformRules> | undefined): PlatformRules {
  return { ...DEFAULT_PLATFORM_RULES, ...(overrides ?? {}) };
}

/** What the buyer's note says: the card's words, whether the sender stays unnamed, the rest for staff. */
export interface BuyerNote {
  cardMessage?: string;
  anonymousSender: boolean;
  /** What is neither the card nor the anonymity request, kept for staff. */
  note?: string;
  /** Why the note could not be read with certainty: the order is held for staff, the whole note kept. */
  unclear?: string;
}

/** Words that turn a request around just before it (不要匿名 "do not keep it anonymous", "no card"). */
const NEGATIONS = ['不要', '不用', '不必', '无需', '不需要', '别', '勿', '不', '没', '非', 'not', 'no', "don't", 'dont', 'without'];
/** Where the card's words end: a new line or clause of the note, or what the platform appends (Meituan's privacy number, 【…】). */
const CARD_END = /[\n\r;；|【]|收餐人隐私号/;
/** What may stand between a marker and the words: 贺卡内容：, 卡片上写:, card: */
const CARD_LEAD = /^\s*(?:内容|上写|写|上面写|message|text)?\s*[：:，,、\-—=]*\s*/i;
const NOTE_MAX = 1000;

interface Found {
  word: string;
  start: number;
  end: number;
}

/**
 * Reads a platform's buyer note by the shop's rules. Never guesses: a card named twice, a card with
 * no words, a card or anonymity request that may be negated, an anonymity word inside the card's
 * words, or a card too long for one — each makes the note `unclear`, so the order is held for staff
 * with the whole note, instead of a card printed wrong or a sender named who asked not to be.
 */
export function readBuyerNote(note: string | undefined, rules: Pick<PlatformRules, 'cardMarkers' | 'anonymousWords'>): BuyerNote {
  const text = note?.trim() ?? '';
  if (text === '') return { anonymousSender: false };
  const unclear = (why: string): BuyerNote => ({ anonymousSender: false, note: clipped(text), unclear: why });

  const markers = occurrences(text, rules.cardMarkers);
  if (markers.length > 1) return unclear(`the note names a card ${markers.length} times (${markers.map((m) => m.word).join(', ')})`);
  const marker = markers[0];
  if (marker && negated(text, marker.start)) return unclear(`the note may ask for no card: "${around(text, marker)}"`);

  let cardMessage: string | undefined;
  let rest = text;
  if (marker) {
    const after = text.slice(marker.end);
    const lead = CARD_LEAD.exec(after)?.[0].length ?? 0;
    const words = after.slice(lead);
    const endAt = CARD_END.exec(words)?.index ?? words.length;
    cardMessage = words.slice(0, endAt).trim();
    if (cardMessage === '') return unclear(`the note names a card (${marker.word}) but no words for it`);
    if (cardMessage.length > CARD_MESSAGE_MAX)
      return unclear(`the card's words are longer than a card holds (${cardMessage.length} of ${CARD_MESSAGE_MAX} characters)`);
    if (occurrences(cardMessage, rules.anonymousWords).length > 0) return unclear(`an anonymity word is inside the card's words: "${cardMessage}"`);
    rest = `${text.slice(0, marker.start)} ${words.slice(endAt).replace(/^[\n\r;；|]+/, '')}`.trim();
  }

  const anonymous = occurrences(rest, rules.anonymousWords);
  const turned = anonymous.find((found) => negated(rest, found.start));
  if (turned) return unclear(`the note may ask to name the sender after all: "${around(rest, turned)}"`);

  return {
    ...(cardMessage !== undefined ? { cardMessage } : {}),
    anonymousSender: anonymous.length > 0,
    ...(rest !== '' ? { note: clipped(rest) } : {}),
  };
}

/** Each word where it appears, the longest at any place, none overlapping; Latin words whole and in any case. */
function occurrences(text: string, words: readonly string[]): Found[] {
  const lower = text.toLowerCase();
  const byLength = words
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w !== '')
    .sort((a, b) => b.length - a.length);
  const found: Found[] = [];
  for (let i = 0; i < lower.length;) {
    const word = byLength.find((w) => lower.startsWith(w, i) && wholeWord(lower, i, w));
    if (word === undefined) {
      i++;
      continue;
    }
    found.push({ word: text.slice(i, i + word.length), start: i, end: i + word.length });
    i += word.length;
  }
  return found;
}

const LATIN = /[a-z0-9]/;

function wholeWord(text: string, start: number, word: string): boolean {
  const before = text[start - 1];
  const after = text[start + word.length];
  const latinStart = LATIN.test(word[0] ?? '');
  const latinEnd = LATIN.test(word[word.length - 1] ?? '');
  return !(latinStart && before !== undefined && LATIN.test(before)) && !(latinEnd && after !== undefined && LATIN.test(after));
}

/** Whether a negation stands right before the word, in its clause: up to three characters, or the Latin word before it. */
function negated(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 12), start).toLowerCase();
  const chinese = (before.split(/[，,。.!！?？;；、：:]/).pop() ?? '').replace(/\s+/g, '').slice(-3);
  const latinWord = /([a-z']+)\s*$/.exec(before)?.[1];
  return NEGATIONS.some((n) => (LATIN.test(n[0] ?? '') ? latinWord === n : chinese.includes(n)));
}

function around(text: string, found: Found): string {
  return text.slice(Math.max(0, found.start - 6), Math.min(text.length, found.end + 6)).trim();
}

function clipped(text: string): string {
  return text.length <= NOTE_MAX ? text : `${text.slice(0, NOTE_MAX - 1)}…`;
}
