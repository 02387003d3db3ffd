import { DomainError } from '@petalpost/contracts';
import { MESSAGE_MAX_CHARS } from '../tracked-orders.store';

/** Control characters (but the line break), and the invisible marks that reorder or hide text. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point: they are removed.
const UNSAFE = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
 * A customer's words as the shop will read them: plain text, line breaks kept (at most one blank
 * line), nothing invisible. Every reader shows it as text, never as HTML, so markup stays visible as
 * typed rather than being stripped.
 */
export function cleanMessageText(raw: string): string {
  const text = raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length === 0) throw new DomainError('invalid', 'MESSAGE_EMPTY', 'write a message first');
  if ([...text].length > MESSAGE_MAX_CHARS) throw new DomainError('invalid', 'MESSAGE_TOO_LONG', `a message has at most ${MESSAGE_MAX_CHARS} characters`);
  return text;
}
