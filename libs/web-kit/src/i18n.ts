import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export interface LanguageStoreOptions<Language extends string> {
  /** Where this app keeps the reader's choice (localStorage). */
  storageKey: string;
  languages: readonly Language[];
  /** Every string of the app in one language, by screen. */
  resourcesFor(language: Language): Record<string, unknown>;
}

/** An app's languages: the reader's choice if made, else the browser's (Chinese for any zh, English otherwise). */
export function createLanguageStore<Language extends string>({ storageKey, languages, resourcesFor }: LanguageStoreOptions<Language>) {
  const initialLanguage = (): Language => {
    const chosen = localStorage.getItem(storageKey);
    if (chosen && (languages as readonly string[]).includes(chosen)) return chosen as Language;
    return (navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en') as Language;
  };
  return {
    initialLanguage,
    async setupI18n(): Promise<void> {
      const lng = initialLanguage();
      document.documentElement.lang = lng;
      await i18next.use(initReactI18next).init({
        lng,
        fallbackLng: false,
        resources: Object.fromEntries(languages.map((l) => [l, { translation: resourcesFor(l) }])),
        interpolation: { escapeValue: false },
        returnNull: false,
      });
    },
    async chooseLanguage(language: Language): Promise<void> {
      localStorage.setItem(storageKey, language);
      document.documentElement.lang = language;
      await i18next.changeLanguage(language);
    },
  };
}
