import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LANGUAGES, messages, resourcesFor } from './messages';

/** Every leaf key of a nested message object, dotted: "signIn.title". */
function keysOf(value: unknown, prefix = ''): string[] {
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

/** The source of every screen, read once: where the t() calls are. */
const screenSources = () => sources(join(__dirname, '..')).map((file) => readFileSync(file, 'utf8'));

/** The static start of each t(`…${…}…`) key, up to its last dot: "board.status" for t(`board.status.${s}`). */
function templatePrefixes(source: string): string[] {
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
function prefixProblem(resources: Record<string, unknown>, prefix: string): string | undefined {
  const node = prefix
    .split('.')
    .reduce<unknown>((at, part) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[part] : undefined), resources);
  if (!prefix || typeof node !== 'object' || node === null) return `${prefix || '(no prefix)'}: not a group of words`;
  const leaves = keysOf(node);
  if (leaves.length === 0) return `${prefix}: empty`;
  const empty = leaves.filter((key) => {
    const text = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], node);
    return typeof text !== 'string' || text.trim() === '';
  });
  return empty.length > 0 ? `${prefix}: empty ${empty.join(', ')}` : undefined;
}

describe('the console speaks both languages', () => {
  it.each(Object.keys(messages))('%s has the same words in Chinese and English, none empty', (screen) => {
    const words = messages[screen as keyof typeof messages] as Record<string, unknown>;
    const zh = keysOf(words['zh-CN']).sort();
    const en = keysOf(words.en).sort();
    expect(zh).toEqual(en);
    for (const language of LANGUAGES) {
      const empty = keysOf(words[language]).filter((key) => {
        const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], words[language]);
        return typeof text !== 'string' || text.trim() === '';
      });
      expect(empty).toEqual([]);
    }
  });

  it('every key the screens ask for exists in both languages', () => {
    const known = new Map(LANGUAGES.map((l) => [l, new Set(keysOf(resourcesFor(l)))]));
    const asked = new Set<string>();
    for (const source of screenSources()) {
      // t('screen.key') and t("screen.key"), also with options; t(`screen.key`) without a placeholder too.
      for (const match of source.matchAll(/\bt\(\s*(?:['"]([\w.-]+)['"]|`([\w.-]+)`)/g)) asked.add(match[1] ?? match[2]);
    }
    expect(asked.size).toBeGreaterThan(10);
    for (const language of LANGUAGES) {
      // i18next's plural forms (key_one, key_other) answer for the bare key.
      const missing = [...asked].filter((key) => !known.get(language)!.has(key) && !known.get(language)!.has(`${key}_other`));
      expect({ language, missing }).toEqual({ language, missing: [] });
    }
  });

  it('every key built from a template picks from a group of words that exists in both languages, none empty', () => {
    const prefixes = new Set(screenSources().flatMap(templatePrefixes));
    expect(prefixes).toContain('board.status');
    for (const language of LANGUAGES) {
      const resources = resourcesFor(language);
      const problems = [...prefixes].flatMap((prefix) => prefixProblem(resources, prefix) ?? []);
      expect({ language, problems }).toEqual({ language, problems: [] });
    }
  });

  it('fails a template key whose group is missing, empty, a single word, or has no static start', () => {
    const resources = { board: { status: { placed: 'Placed' }, blank: { placed: ' ' }, none: {}, title: 'Board' } };
    expect(templatePrefixes('t(`board.status.${s}`); t(`board.title`); i18n.t( `other.kind.${k}.label`); t(`${k}`)')).toEqual([
      'board.status',
      'other.kind',
      '',
    ]);
    expect(prefixProblem(resources, 'board.status')).toBeUndefined();
    expect(prefixProblem(resources, 'board.missing')).toBeDefined();
    expect(prefixProblem(resources, 'board.blank')).toBeDefined();
    expect(prefixProblem(resources, 'board.none')).toBeDefined();
    expect(prefixProblem(resources, 'board.title')).toBeDefined();
    expect(prefixProblem(resources, '')).toBeDefined();
  });
});
