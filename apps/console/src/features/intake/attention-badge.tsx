import { useTranslation } from 'react-i18next';
import { useAttention } from './attention-query';

/** The number of held orders beside "Needs attention" in the navigation; nothing when none wait. */
export function AttentionBadge() {
  const { t } = useTranslation();
  const count = useAttention().data?.items.length ?? 0;
  if (count === 0) return null;
  return (
    <span className="nav-badge" data-count={count}>
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{t('intake.attention.waiting', { count })}</span>
    </span>
  );
}
