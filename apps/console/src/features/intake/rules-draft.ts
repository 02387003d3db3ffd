import type { Connection } from './intake-api';

/** A shop's adjustments of how its platform orders are read, as the service keeps them: each part given replaces the default's. */
export type PlatformRules = NonNullable<Connection['rules']>;

/** The rules editor as typed: the words one a line, the numbers as text; empty is the default. */
export interface RulesDraft {
  cardMarkers: string;
  anonymousWords: string;
  asapMinutes: string;
  privacyNumberHours: string;
}

export type RulesProblem = 'asapMinutes' | 'privacyNumberHours';

export function rulesDraft(rules: PlatformRules | undefined): RulesDraft {
  return {
    cardMarkers: (rules?.cardMarkers ?? []).join('\n'),
    anonymousWords: (rules?.anonymousWords ?? []).join('\n'),
    asapMinutes: rules?.asapMinutes?.toString() ?? '',
    privacyNumberHours: rules?.privacyNumberHours?.toString() ?? '',
  };
}

/**
 * Words as an owner types them: one a line, or separated by commas (also the Chinese ，and 、),
 * each once. Spaces stay inside a word (a marker may be "card text").
 */
export function wordsOf(typed: string): string[] {
  const words = typed
    .split(/[\n,，、]/)
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  return [...new Set(words)];
}

/**
 * The rules to save (they replace the connection's): a list or number left empty is the default;
 * a number that is not a whole one is named for the owner to correct. Ranges are the service's to
 * judge (its answer says which).
 */
export function rulesFrom(draft: RulesDraft): { rules: PlatformRules; problems: RulesProblem[] } {
  const problems: RulesProblem[] = [];
  const whole = (field: RulesProblem): number | undefined => {
    const typed = draft[field].trim();
    if (!typed) return undefined;
    if (!/^\d+$/.test(typed)) {
      problems.push(field);
      return undefined;
    }
    return Number(typed);
  };
  const cardMarkers = wordsOf(draft.cardMarkers);
  const anonymousWords = wordsOf(draft.anonymousWords);
  const asapMinutes = whole('asapMinutes');
  const privacyNumberHours = whole('privacyNumberHours');
  return {
    rules: {
      ...(cardMarkers.length ? { cardMarkers } : {}),
      ...(anonymousWords.length ? { anonymousWords } : {}),
      ...(asapMinutes !== undefined ? { asapMinutes } : {}),
      ...(privacyNumberHours !== undefined ? { privacyNumberHours } : {}),
    },
    problems,
  };
}
