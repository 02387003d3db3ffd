import { useTranslation } from 'react-i18next';
import { chooseLanguage } from '../i18n/i18n';
import { type Language, LANGUAGES } from '../i18n/messages';

const NAMES: Record<Language, string> = { 'zh-CN': '简体中文', en: 'English' };

/** `compact`: the label is read aloud but not shown (the header has no room for it). */
export function LanguagePicker({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className={compact ? 'visually-hidden' : undefined}>{t('common.language')}</span>
      <select value={i18n.language} onChange={(e) => void chooseLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
