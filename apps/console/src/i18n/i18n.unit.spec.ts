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
    for (const file of sources(join(__dirname, '..'))) {
      // t('screen.key') and t("screen.key"), also with options; keys built at run time are checked where they are listed.
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\(\s*['"]([\w.-]+)['"]/g)) asked.add(match[1]);
    }
    expect(asked.size).toBeGreaterThan(10);
    for (const language of LANGUAGES) {
      // i18next's plural forms (key_one, key_other) answer for the bare key.
      const missing = [...asked].filter((key) => !known.get(language)!.has(key) && !known.get(language)!.has(`${key}_other`));
      expect({ language, missing }).toEqual({ language, missing: [] });
    }
  });
});
