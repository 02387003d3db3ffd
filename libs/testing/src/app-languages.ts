import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The words of a browser app (the console, the rider's app) checked the same way for each: every
 * screen's words in every language with the same keys, none empty; every key a screen asks for
 * (t('…'), and the group a t(`…${…}`) template picks from) present. Each app's i18n spec calls
 * `describeAppLanguages` with its own messages and source folder.
 */
export interface AppWords {
  /** Each screen's words by language: { board: { en: {...}, 'zh-CN': {...} } }. */
  messages: Record<string, Record<string, unknown>>;
  languages: readonly string[];
  /** The i18next resources of one language: every screen's words under its key. */
  resourcesFor(language: string): Record<string, unknown>;
  /** The app's src folder: where the t() calls are read from. */
  sourceDir: string;
  /** A template prefix the app is known to use, so the check is known to read templates at all. */
  knownTemplatePrefix: string;
}

/** Every leaf key of a nested message object, dotted: "signIn.title". */
export function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.includes('.spec.') ? [path] : [];
  });
}

const leaf = (root: unknown, key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root);

/** The static start of each t(`…${…}…`) key, up to its last dot: "board.status" for t(`board.status.${s}`). */
export function templatePrefixes(source: string): string[] {
  const prefixes: string[] = [];
  for (const match of source.matchAll(/\bt\(\s*`([^`]*)`/g)) {
    const template = match[1];
    const dynamic = template.indexOf('${');
    if (dynamic < 0) continue;
    const fixed = template.slice(0, dynamic);
    prefixes.push(fixed.slice(0, Math.max(0, fixed.lastIndexOf('.'))));
  }
  return prefixes;
}

/** What is wrong with the words a template key picks from, if anything: it must be an object of non-empty words. */
export function prefixProblem(resources: Record<string, unknown>, prefix: string): string | undefined {
  const node = prefix
    .split('.')
    .reduce<unknown>((at, part) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[part] : undefined), resources);
  if (!prefix || typeof node !== 'object' || node === null) return `${prefix || '(no prefix)'}: not a group of words`;
  const leaves = keysOf(node);
  if (leaves.length === 0) return `${prefix}: empty`;
  const empty = leaves.filter((key) => {
    const text = leaf(node, key);
    return typeof text !== 'string' || text.trim() === '';
  });
  return empty.length > 0 ? `${prefix}: empty ${empty.join(', ')}` : undefined;
}

export function describeAppLanguages(app: string, words: AppWords): void {
  const { messages, languages, resourcesFor, sourceDir, knownTemplatePrefix } = words;
  const screenSources = () => sources(sourceDir).map((file) => readFileSync(file, 'utf8'));

  describe(`the ${app} speaks ${languages.join(' and ')}`, () => {
    it.each(Object.keys(messages))('%s has the same words in every language, none empty', (screen) => {
      const byLanguage = messages[screen];
      const [first, ...others] = languages;
      const expected = keysOf(byLanguage[first]).sort();
      for (const language of others) expect({ language, keys: keysOf(byLanguage[language]).sort() }).toEqual({ language, keys: expected });
      for (const language of languages) {
        const empty = keysOf(byLanguage[language]).filter((key) => {
          const text = leaf(byLanguage[language], key);
          return typeof text !== 'string' || text.trim() === '';
        });
        expect({ language, empty }).toEqual({ language, empty: [] });
      }
    });

    it('every key the screens ask for exists in every language', () => {
      const known = new Map(languages.map((l) => [l, new Set(keysOf(resourcesFor(l)))]));
      const asked = new Set<string>();
      for (const source of screenSources()) {
        // t('screen.key') and t("screen.key"), also with options; t(`screen.key`) without a placeholder too.
        for (const match of source.matchAll(/\bt\(\s*(?:['"]([\w.-]+)['"]|`([\w.-]+)`)/g)) asked.add(match[1] ?? match[2]);
      }
      expect(asked.size).toBeGreaterThan(10);
      for (const language of languages) {
        // i18next's plural forms (key_one, key_other) answer for the bare key.
        const words = known.get(language) ?? new Set<string>();
        const missing = [...asked].filter((key) => !words.has(key) && !words.has(`${key}_other`));
        expect({ language, missing }).toEqual({ language, missing: [] });
      }
    });

    it('every key built from a template picks from a group of words that exists in every language, none empty', () => {
      const prefixes = new Set(screenSources().flatMap(templatePrefixes));
      expect(prefixes).toContain(knownTemplatePrefix);
      for (const language of languages) {
        const resources = resourcesFor(language);
        const problems = [...prefixes].flatMap((prefix) => prefixProblem(resources, prefix) ?? []);
        expect({ language, problems }).toEqual({ language, problems: [] });
      }
    });
  });
}
