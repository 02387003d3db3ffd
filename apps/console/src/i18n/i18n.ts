import { createLanguageStore } from '@petalpost/web-kit';
import { LANGUAGES, resourcesFor } from './messages';

export const { initialLanguage, setupI18n, chooseLanguage } = createLanguageStore({ storageKey: 'petalpost.language', languages: LANGUAGES, resourcesFor });
