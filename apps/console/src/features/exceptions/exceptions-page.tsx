import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { AttachmentThumbnail } from '../../ui/attachment-thumbnail';
import { useRiderNames } from '../../ui/riders';
import './exceptions.css';

type ExceptionRow = Awaited<ReturnType<typeof listExceptions>>[number];
type Outcome = 'redelivered' | 'address_corrected' | 'new_bouquet_made' | 'refunded' | 'returned_to_shop';
const OUTCOMES: Outcome[] = ['redelivered', 'address_corrected', 'new_bouquet_made', 'refunded', 'returned_to_shop'];
const STATE_RANK = { reported: 0, acknowledged: 1, resolved: 2 } as const;

async function listExceptions() {
  return (await data(api.messaging.GET('/exceptions', { params: { query: { limit: 200 } } }))).items;
}

/** Open reports first (new before acknowledged), then the newest. */
export function byUrgency(a: Pick<ExceptionRow, 'status' | 'reportedAt'>, b: Pick<ExceptionRow, 'status' | 'reportedAt'>): number {
  return STATE_RANK[a.status] - STATE_RANK[b.status] || Date.parse(b.reportedAt) - Date.parse(a.reportedAt);
}

export default function ExceptionsPage() {
  const { t } = useTranslation();
  const [showAll, setShowAll] = useState(true);
  const list = useQuery({ queryKey: ['exceptions', 'list'], queryFn: listExceptions });
  const rows = (list.data ?? []).filter((row) => showAll || row.status !== 'resolved').sort(byUrgency);
  const open = rows.filter((row) => row.status !== 'resolved');
  const closed = rows.filter((row) => row.status === 'resolved');
  const riders = useRiderNames();

  return (
    <div className="exceptions">
      <h1>{t('exceptions.title')}</h1>
      <p className="muted">{t('exceptions.intro')}</p>
      <label className="inline">
        {t('exceptions.filterLabel')}
        <select value={showAll ? 'all' : 'open'} onChange={(e) => setShowAll(e.target.value === 'all')}>
          <option value="open">{t('exceptions.filter.open')}</option>
          <option value="all">{t('exceptions.filter.all')}</option>
        </select>
      </label>
      {list.isPending && <p role="status">{t('common.loading')}</p>}
      <ApiProblem error={list.error} />
      {list.data && rows.length === 0 && <p>{t('exceptions.empty')}</p>}
      {open.length > 0 && (
        <section aria-labelledby="exceptions-open">
          <h2 id="exceptions-open">
            {t('exceptions.open')} ({open.length})
          </h2>
          <ul className="exceptions-list">
            {open.map((row) => (
              <li key={row.exceptionId}>
                <ExceptionCard row={row} riders={riders} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {closed.length > 0 && (
        <section aria-labelledby="exceptions-closed">
          <h2 id="exceptions-closed">{t('exceptions.closed')}</h2>
          <ul className="exceptions-list">
            {closed.map((row) => (
              <li key={row.exceptionId}>
                <ExceptionCard row={row} riders={riders} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function refusalText(t: TFunction, error: Error): string {
  const status = error instanceof ApiError && error.status === 409 ? error.details?.status : undefined;
  const now = typeof status === 'string' ? ` ${t('exceptions.stateNow', { status: t(`exceptions.state.${status}`, { defaultValue: status }) })}` : '';
  return t('exceptions.refused', { message: error.message }) + now;
}

function ExceptionCard({ row, riders }: { row: ExceptionRow; riders: Map<string, string> }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const exceptionId = row.exceptionId;
  // The list is a summary; the report itself has the note, the photo and where it was made.
  const detail = useQuery({
    queryKey: ['exceptions', exceptionId],
    queryFn: () => data(api.messaging.GET('/exceptions/{exceptionId}', { params: { path: { exceptionId } } })),
  });
  const report = detail.data;
  const status = report?.status ?? row.status;
  const order = row.orderId.slice(0, 8);
  const refresh = () => client.invalidateQueries({ queryKey: ['exceptions'] });

  const acknowledge = useMutation({
    mutationFn: () =>
      data(
        api.messaging.POST('/exceptions/{exceptionId}/acknowledge', {
          params: { path: { exceptionId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: {},
        }),
      ),
    onSuccess: (view) => client.setQueryData(['exceptions', exceptionId], view),
    onSettled: refresh,
  });
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [note, setNote] = useState('');
  const resolve = useMutation({
    mutationFn: (body: { outcome: Outcome; note?: string }) =>
      data(
        api.messaging.POST('/exceptions/{exceptionId}/resolve', {
          params: { path: { exceptionId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body,
        }),
      ),
    onSuccess: (view) => client.setQueryData(['exceptions', exceptionId], view),
    onSettled: refresh,
  });
  const submitResolve = (event: FormEvent) => {
    event.preventDefault();
    if (!outcome) return;
    resolve.mutate(note.trim() ? { outcome, note: note.trim() } : { outcome });
  };

  const details = report?.details;
  const detailNote = details && 'note' in details ? details.note : details?.type === 'other' ? details.text : undefined;
  const error = acknowledge.error ?? resolve.error;
  const busy = acknowledge.isPending || resolve.isPending;

  return (
    <article
      className={`card exception-card exception-${status}`}
      data-exception-id={exceptionId}
      data-state={status}
      aria-labelledby={`exception-${exceptionId}`}
    >
      <header className="exception-head">
        <h3 id={`exception-${exceptionId}`}>{t(`exceptions.type.${row.type}`, { defaultValue: row.type })}</h3>
        <span className={`badge exception-state-${status}`} data-status={status}>
          {t(`exceptions.state.${status}`, { defaultValue: status })}
        </span>
        {row.escalatedAt && status === 'reported' && <strong className="exception-escalated">{t('exceptions.escalated')}</strong>}
      </header>
      <p className="exception-meta">
        <Link to={`/orders/${row.orderId}`}>{t('exceptions.order', { order })}</Link>
        {row.riderId && <span>{t('exceptions.rider', { rider: riders.get(row.riderId) ?? row.riderId.slice(0, 8) })}</span>}
        <span>{t('exceptions.reportedAt', { time: format.dateTime(row.reportedAt) })}</span>
        {report?.acknowledgedAt && <span>{t('exceptions.acknowledgedAt', { time: format.dateTime(report.acknowledgedAt) })}</span>}
        {report?.resolvedAt && <span>{t('exceptions.resolvedAt', { time: format.dateTime(report.resolvedAt) })}</span>}
      </p>
      <ApiProblem error={detail.error} />
      {details?.type === 'running_late' && <p>{t('exceptions.minutesLate', { minutes: details.minutesLate })}</p>}
      {details?.type === 'address_not_found' && details.suggestedAddress && <p>{t('exceptions.suggestedAddress', { address: details.suggestedAddress })}</p>}
      {detailNote && (
        <p>
          <span className="muted">{t('exceptions.note')}: </span>
          {detailNote}
        </p>
      )}
      {details?.type === 'bouquet_damaged' && (
        <AttachmentThumbnail attachmentId={details.photoRef} alt={t('exceptions.photoAlt', { order })} className="exception-photo" />
      )}
      {report && (
        <p>
          <span className="muted">{t('exceptions.position')}: </span>
          {t('exceptions.positionValue', { latitude: report.position.lat.toFixed(5), longitude: report.position.lng.toFixed(5) })}
          {report.position.accuracy !== undefined && (
            <span className="muted"> {t('exceptions.accuracy', { metres: Math.round(report.position.accuracy) })}</span>
          )}
        </p>
      )}
      {report?.outcome && (
        <p>
          <strong>{t('exceptions.outcomeShown', { outcome: t(`exceptions.outcome.${report.outcome}`, { defaultValue: report.outcome }) })}</strong>
          {report.resolutionNote && <> — {report.resolutionNote}</>}
        </p>
      )}

      {status === 'reported' && (
        <button type="button" className="primary" disabled={busy} onClick={() => acknowledge.mutate()}>
          {acknowledge.isPending ? t('exceptions.working') : t('exceptions.acknowledge')}
        </button>
      )}
      {status === 'acknowledged' && (
        <form className="exception-resolve" onSubmit={submitResolve}>
          <label>
            {t('exceptions.decision')}
            <select required value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome | '')}>
              <option value="">{t('exceptions.chooseDecision')}</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {t(`exceptions.outcome.${o}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('exceptions.resolutionNote')}
            <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="submit" disabled={busy || !outcome}>
            {resolve.isPending ? t('exceptions.working') : t('exceptions.resolve')}
          </button>
        </form>
      )}
      {error && (
        <p role="alert" className="problem">
          {refusalText(t, error)}
        </p>
      )}
    </article>
  );
}
