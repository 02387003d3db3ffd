import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';

/** A service's refusal in the reader's words where the app knows the code, else in the service's own. */
export function Problem({ error, words }: { error: unknown; words?: Record<string, string> }) {
  const { t } = useTranslation();
  if (!error) return null;
  const known = error instanceof ApiError ? words?.[error.code] : undefined;
  const message = known ?? (error instanceof ApiError ? `${error.message} (${error.code})` : error instanceof Error ? error.message : String(error));
  return (
    <p role="alert" className="problem">
      {known ?? t('common.error', { message })}
    </p>
  );
}
