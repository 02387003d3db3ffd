import { useTranslation } from 'react-i18next';

/** Stands in for a screen that is not built yet. */
export function Placeholder({ titleKey }: { titleKey: string }) {
  const { t } = useTranslation();
  return (
    <section className="placeholder" aria-labelledby="screen-title">
      <h1 id="screen-title">{t(titleKey)}</h1>
      <p>{t('common.comingSoon')}</p>
    </section>
  );
}
