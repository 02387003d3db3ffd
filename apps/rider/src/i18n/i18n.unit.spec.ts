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

/** i18next's plural forms: `outbox.button` is there when `outbox.button_other` is. */
const withPlurals = (keys: string[]) => new Set([...keys, ...keys.map((k) => k.replace(/_(zero|one|two|few|many|other)$/, ''))]);

describe("the rider's app speaks both languages", () => {
  it('has every word in Chinese and in English, no more and no fewer, none empty', () => {
    for (const [screen, words] of Object.entries(messages)) {
      const [zh, en] = LANGUAGES.map((language) => keysOf(words[language]).sort());
      expect({ screen, missingInEnglish: zh.filter((k) => !en.includes(k)), missingInChinese: en.filter((k) => !zh.includes(k)) }).toEqual({
        screen,
        missingInEnglish: [],
        missingInChinese: [],
      });
      for (const language of LANGUAGES) {
        const empty = keysOf(words[language]).filter(
          (key) => !key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], words[language]),
        );
        expect({ screen, language, empty }).toEqual({ screen, language, empty: [] });
      }
    }
  });

  it('has a word for every fixed key a screen asks for', () => {
    const known = LANGUAGES.map((language) => withPlurals(keysOf(resourcesFor(language))));
    const asked = sources(join(__dirname, '..')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]));
    expect(asked.length).toBeGreaterThan(20);
    for (const [i, language] of LANGUAGES.entries()) {
      expect({ language, missing: asked.filter((key) => !known[i].has(key)) }).toEqual({ language, missing: [] });
    }
  });
});
