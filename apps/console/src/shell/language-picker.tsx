import { useTranslation } from 'react-i18next';
import { chooseLanguage } from '../i18n/i18n';
import { type Language, LANGUAGES } from '../i18n/messages';

const NAMES: Record<Language, string> = { 'zh-CN': '简体中文', en: 'English' };

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      {t('common.language')}
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
