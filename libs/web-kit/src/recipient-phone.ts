import { useEffect, useState } from 'react';

/** A recipient's phone as the services give it: a privacy number (隐私号) carries until when it works. */
export interface RecipientPhoneFacts {
  phone?: string;
  phoneExpiresAt?: string;
}

/** The number to read out: the line and, for a privacy number, the extension dialled after it. */
export interface ReadablePhone {
  number: string;
  extension?: string;
}

/** What a person may do with the recipient's phone at one moment. */
export type RecipientPhoneNow =
  /** Call it: `href` dials it, the extension after a pause; `validUntil` when it is a privacy number. */
  | { state: 'callable'; readable: ReadablePhone; href: string; validUntil?: string }
  /** A privacy number past its time: calling it reaches nobody, so nothing offers to. */
  | { state: 'expired'; readable: ReadablePhone; expiredAt: string };

/**
 * Whether the recipient's phone can be called now, and how to show it. The platforms give a
 * privacy number as `13812345678,1234` (the comma a dial pause before the extension: Android's
 * and iOS's dialers both take it in a `tel:` link) that lasts until `phoneExpiresAt`; a real
 * number has no expiry. An expiry that cannot be read counts as passed: offering a call that may
 * reach nobody is worse than sending the rider to the shop. Undefined: no phone at all.
 */
export function recipientPhoneNow(recipient: RecipientPhoneFacts | undefined, now: number): RecipientPhoneNow | undefined {
  const phone = recipient?.phone?.trim();
  if (!phone) return undefined;
  const readable = readablePhone(phone);
  const expiresAt = recipient?.phoneExpiresAt;
  if (expiresAt === undefined) return { state: 'callable', readable, href: telHref(phone) };
  const until = Date.parse(expiresAt);
  if (!(now < until)) return { state: 'expired', readable, expiredAt: expiresAt };
  return { state: 'callable', readable, href: telHref(phone), validUntil: expiresAt };
}

/** How long until what `recipientPhoneNow` says changes (a privacy number expiring), or undefined if it never will. */
export function msUntilPhoneChanges(recipient: RecipientPhoneFacts | undefined, now: number): number | undefined {
  const at = recipient?.phone && recipient.phoneExpiresAt ? Date.parse(recipient.phoneExpiresAt) : NaN;
  return at > now ? at - now : undefined;
}

/** `tel:` keeps the digits, a leading `+` and the commas (pauses); spaces, dashes and brackets go. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+,]/g, '')}`;
}

/** `13812345678,1234` read as the line and its extension; a number without a pause as it was given. */
export function readablePhone(phone: string): ReadablePhone {
  const pause = phone.indexOf(',');
  if (pause < 0) return { number: phone };
  const extension = phone.slice(pause).replace(/[^\d]/g, '');
  return { number: phone.slice(0, pause).trim(), ...(extension ? { extension } : {}) };
}

/** setTimeout takes at most 2^31-1 ms; a number valid for longer than that is looked at again then. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * `recipientPhoneNow` for a screen, judged again the moment a privacy number expires while the
 * screen is open, and when the page is shown again (a phone asleep runs no timers on time).
 */
export function useRecipientPhone(recipient: RecipientPhoneFacts | undefined): RecipientPhoneNow | undefined {
  const [now, setNow] = useState(() => Date.now());
  const wait = msUntilPhoneChanges(recipient, now);
  useEffect(() => {
    const judgeAgain = () => setNow(Date.now());
    const timer = wait === undefined ? undefined : setTimeout(judgeAgain, Math.min(wait + 1, LONGEST_TIMER_MS));
    document.addEventListener('visibilitychange', judgeAgain);
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', judgeAgain);
    };
  }, [wait]);
  return recipientPhoneNow(recipient, Math.max(now, Date.now()));
}
