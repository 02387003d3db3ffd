/**
 * @mentions as people type them and as the messaging service reads them. The box shows
 * "@Li Na"; the service wants "@<subject>" (the person's id) or "@staff" / "@florist" /
 * "@dispatcher". A pick from the suggestions is remembered and swapped on sending.
 */

export interface MentionCandidate {
  /** What goes to the service after the @: a person's subject or a role. */
  token: string;
  /** What the box and the suggestions show after the @. */
  label: string;
  kind: 'person' | 'role';
  /** Has written in this conversation (the service lets only such people, and its rider, be mentioned). */
  tookPart?: boolean;
}

/** The @word being typed just before the caret, if any: where it starts and what is typed so far. */
export function activeMention(text: string, caret: number): { start: number; query: string } | undefined {
  const before = text.slice(0, caret);
  // An @ at the start or after a space opens a mention; an e-mail address (x@y) does not.
  const match = /(^|\s)@([^\s@]*)$/.exec(before);
  if (!match) return undefined;
  return { start: caret - match[2].length - 1, query: match[2] };
}

/** Candidates whose label or token begins (any word) with what is typed, people first. */
export function suggest(candidates: MentionCandidate[], query: string, limit = 8): MentionCandidate[] {
  const q = query.toLocaleLowerCase();
  const matches = (c: MentionCandidate) =>
    c.token.toLocaleLowerCase().startsWith(q) ||
    c.label
      .toLocaleLowerCase()
      .split(/\s+/)
      .some((word) => word.startsWith(q)) ||
    c.label.toLocaleLowerCase().startsWith(q);
  return candidates.filter(matches).slice(0, limit);
}

/** The text with the typed @word replaced by the pick, and where the caret goes after it. */
export function applyMention(text: string, mention: { start: number; query: string }, pick: MentionCandidate): { text: string; caret: number } {
  const inserted = `@${pick.label} `;
  const end = mention.start + 1 + mention.query.length;
  return { text: text.slice(0, mention.start) + inserted + text.slice(end), caret: mention.start + inserted.length };
}

/** The text as the service reads it: each picked "@Label" becomes "@token". */
export function toServiceText(text: string, picked: MentionCandidate[]): string {
  // Longest labels first, so "@Li Na" is not taken for "@Li".
  const byLength = [...picked].sort((a, b) => b.label.length - a.label.length);
  return byLength.reduce((out, c) => (c.label === c.token ? out : out.split(`@${c.label}`).join(`@${c.token}`)), text);
}

/** A posted message for reading: "@<subject>" shows the person's name where it is known. */
export function toReadableText(text: string, names: Map<string, string>): string {
  return text.replace(/(^|\s)@([^\s@]+)/g, (whole, space: string, token: string) => {
    const name = names.get(token);
    return name ? `${space}@${name}` : whole;
  });
}
