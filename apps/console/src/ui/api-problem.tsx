import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

/** A service's refusal in its own words, with its code, read out when it appears. */
export function ApiProblem({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error);
  return (
    <p role="alert" className="problem">
      {t('common.error', { message })}
    </p>
  );
}
