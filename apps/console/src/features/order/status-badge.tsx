import { useTranslation } from 'react-i18next';
import { statusLabel } from './labels';
import type { OrderView } from './order-api';

type Status = OrderView['status'];

/** An order's status in words (never by colour alone), with data-status for the browser tests. */
export function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return (
    <span className={`badge status status-${status}`} data-status={status}>
      {statusLabel(status, t)}
    </span>
  );
}
