import { DomainError } from '@petalpost/contracts';

export const MESSAGE_TEXT_MAX = 2000;

/** Roles that can be @mentioned as a group. */
export const MENTIONABLE_ROLES = ['staff', 'florist', 'dispatcher'] as const;
export type MentionableRole = (typeof MENTIONABLE_ROLES)[number];

export type Mention = { kind: 'person'; subject: string } | { kind: 'role'; role: MentionableRole };

// C0/C1 controls except tab and newline, and the bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Messages are plain text, never rendered as HTML: normalized, stripped of control characters,
 * trimmed, never empty and at most MESSAGE_TEXT_MAX characters.
 */
export function sanitizeText(raw: string): string {
  const text = raw.normalize('NFC').replace(/\r\n?/g, '\n').replace(UNSAFE, '').trim();
  if (text.length === 0) throw new DomainError('invalid', 'MESSAGE_EMPTY', 'a message needs some text');
  if (text.length > MESSAGE_TEXT_MAX) {
    throw new DomainError('invalid', 'MESSAGE_TOO_LONG', `a message is at most ${MESSAGE_TEXT_MAX} characters (this one has ${text.length})`, {
      max: MESSAGE_TEXT_MAX,
      length: text.length,
    });
  }
  return text;
}

// "@li" at the start or after a space or punctuation; an e-mail address ("sam@example.com") is not a mention.
const MENTION = /(?:^|[^\p{L}\p{N}_@.-])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,63})/gu;

/** The @mentions of a text, in order of first appearance, each once. */
export function parseMentions(text: string): Mention[] {
  const seen = new Set<string>();
  const mentions: Mention[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1].replace(/[.-]+$/, '');
    if (seen.has(name)) continue;
    seen.add(name);
    mentions.push(
      (MENTIONABLE_ROLES as readonly string[]).includes(name) ? { kind: 'role', role: name as MentionableRole } : { kind: 'person', subject: name },
    );
  }
  return mentions;
}
