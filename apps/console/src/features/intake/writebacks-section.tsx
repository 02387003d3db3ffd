import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { intakeApi, type Writeback } from './intake-api';
import './intake.css';

const WRITEBACKS_QUERY = ['orders', 'intake', 'writebacks'] as const;

/**
 * Status the shop's systems would not take: each write-back that ran out of attempts, with the
 * last error, and a retry; or those still being tried. Staff see their shop's; operators, on
 * their desk, every shop's (they have no order pages, so orders are named, not linked).
 */
export function WritebacksSection({ linkOrders = true }: { linkOrders?: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'dead' | 'pending'>('dead');
  const writebacks = useQuery({ queryKey: [...WRITEBACKS_QUERY, state], queryFn: () => intakeApi.writebacks(state) });
  return (
    <>
      <h2>{t('intake.writebacks.title')}</h2>
      <p className="muted">{t('intake.writebacks.intro')}</p>
      <fieldset className="row">
        <legend>{t('intake.writebacks.show')}</legend>
        {(['dead', 'pending'] as const).map((s) => (
          <label key={s} className="inline">
            <input type="radio" name="writeback-state" checked={state === s} onChange={() => setState(s)} />
            {t(`intake.writebacks.state.${s}`)}
          </label>
        ))}
      </fieldset>
      <ApiProblem error={writebacks.error} />
      {writebacks.isPending && <p role="status">{t('common.loading')}</p>}
      {writebacks.data && writebacks.data.writebacks.length === 0 && <p>{t(`intake.writebacks.none.${state}`)}</p>}
      {writebacks.data && writebacks.data.writebacks.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>{t(`intake.writebacks.caption.${state}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('intake.writebacks.order')}</th>
                <th scope="col">{t('intake.writebacks.platform')}</th>
                <th scope="col">{t('intake.writebacks.status')}</th>
                <th scope="col">{t('intake.writebacks.attempts')}</th>
                <th scope="col">{t('intake.writebacks.lastError')}</th>
                <th scope="col">{t('intake.writebacks.next')}</th>
                <th scope="col">{t('intake.writebacks.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {writebacks.data.writebacks.map((w) => (
                <WritebackRow key={w.writebackId} writeback={w} linkOrders={linkOrders} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function WritebackRow({ writeback: w, linkOrders }: { writeback: Writeback; linkOrders: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const retry = useMutation({
    mutationFn: () => intakeApi.retry(w.writebackId),
    onSuccess: () => void client.invalidateQueries({ queryKey: WRITEBACKS_QUERY }),
  });
  return (
    <tr data-writeback-id={w.writebackId}>
      <th scope="row">
        {linkOrders ? <Link to={`/orders/${w.orderId}`}>{w.orderId.slice(0, 8)}</Link> : <code title={w.orderId}>{w.orderId.slice(0, 8)}</code>}
        <div className="muted small">{t('intake.writebacks.theirRef', { ref: w.externalRef })}</div>
      </th>
      <td>{t(`intake.platform.${w.platform}`)}</td>
      <td>{t(`intake.writebacks.statusName.${w.status}`, { defaultValue: w.status })}</td>
      <td>{w.attempts}</td>
      <td className="small">{w.lastError ?? ''}</td>
      <td>{format.dateTime(w.nextAttemptAt ?? undefined)}</td>
      <td>
        <button type="button" disabled={retry.isPending || retry.isSuccess} onClick={() => retry.mutate()}>
          {t('intake.writebacks.retry', { order: w.orderId.slice(0, 8) })}
        </button>
        <span role="status">{retry.isSuccess ? t('intake.writebacks.queued') : ''}</span>
        <ApiProblem error={retry.error} />
      </td>
    </tr>
  );
}
