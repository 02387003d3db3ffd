import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { type Language, LANGUAGES, resourcesFor } from './messages';

const STORAGE_KEY = 'petalpost.rider.language';

/** The reader's choice if made, else the browser's: Chinese for any zh, English otherwise. */
export function initialLanguage(): Language {
  const chosen = localStorage.getItem(STORAGE_KEY);
  if (chosen && (LANGUAGES as readonly string[]).includes(chosen)) return chosen as Language;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export async function setupI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: false,
    resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: resourcesFor(l) }])),
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export async function chooseLanguage(language: Language): Promise<void> {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}
