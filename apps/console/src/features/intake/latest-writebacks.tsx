import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { CONNECTIONS_QUERY } from './connections-query';
import { type Connection, intakeApi, type Writeback } from './intake-api';

/**
 * What the connection's system was last told (a Chinese platform: the confirmation, the flowers
 * ready, the rider, each position, delivered), newest first, and what became of each: written,
 * still being tried with its last error, or given up, to retry here.
 */
export function LatestWritebacks({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const latest = useQuery({
    queryKey: [...CONNECTIONS_QUERY, connection.connectionId, 'writebacks'],
    queryFn: () => intakeApi.latestWritebacks(connection.connectionId),
  });
  if (latest.error) return <ApiProblem error={latest.error} />;
  if (!latest.data) return <p role="status">{t('common.loading')}</p>;
  if (latest.data.writebacks.length === 0) return <p className="muted">{t('intake.latest.none')}</p>;
  return (
    <div className="table-scroll">
      <table className="latest-writebacks">
        <caption>{t('intake.latest.caption', { label: connection.label })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('intake.latest.at')}</th>
            <th scope="col">{t('intake.latest.status')}</th>
            <th scope="col">{t('intake.latest.order')}</th>
            <th scope="col">{t('intake.latest.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {latest.data.writebacks.map((w) => (
            <LatestRow key={w.writebackId} writeback={w} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LatestRow({ writeback: w }: { writeback: Writeback }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const status = t(`intake.writebacks.statusName.${w.status}`, { defaultValue: w.status });
  const order = w.externalRef;
  const retry = useMutation({
    mutationFn: () => intakeApi.retry(w.writebackId),
    onSuccess: () => void client.invalidateQueries({ queryKey: [...CONNECTIONS_QUERY, w.connectionId, 'writebacks'] }),
  });
  return (
    <tr data-writeback-id={w.writebackId} data-status={w.status} data-state={w.state}>
      <td>{format.dateTime(w.finishedAt ?? w.createdAt)}</td>
      <th scope="row">{status}</th>
      <td>
        <Link to={`/orders/${w.orderId}`}>{order}</Link>
      </td>
      <td>
        <span className={`badge ${w.state === 'done' ? 'ok' : w.state === 'dead' ? 'warn' : ''}`}>{t(`intake.latest.state.${w.state}`)}</span>
        {w.state !== 'done' && <span className="muted small"> {t('intake.latest.attempts', { count: w.attempts })}</span>}
        {w.lastError && <div className="muted small">{w.lastError}</div>}
        {w.state === 'dead' && (
          <div>
            <button type="button" disabled={retry.isPending || retry.isSuccess} onClick={() => retry.mutate()}>
              {t('intake.latest.retry', { status, order })}
            </button>
            <span role="status">{retry.isSuccess ? t('intake.writebacks.queued') : ''}</span>
            <ApiProblem error={retry.error} />
          </div>
        )}
      </td>
    </tr>
  );
}
