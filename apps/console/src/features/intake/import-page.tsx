import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../format';
import { membershipOf, useSession } from '../../session/session';
import { ApiProblem } from '../../ui/api-problem';
import { columnsByField, DATE_ORDERS, type DateOrder, fieldChoices, fieldsByColumn, mappingProblems, progressShare, reportRowsToShow } from './import-mapping';
import { type ImportProgress, type ImportSettings, type ImportUpload, intakeApi, type PreviewRow } from './intake-api';
import { useReasonText } from './reasons';
import './intake.css';

/** How often a running import's progress is asked for: it is no event on the live stream, being one person's own job. */
const PROGRESS_EVERY_MS = 500;

/**
 * A day's phone orders or a migration from a CSV file: upload it, check how its columns map to
 * an order's fields on the first rows, start, follow the progress, and read (or download) what
 * became of each row.
 */
export default function ImportPage() {
  const { t } = useTranslation();
  const [upload, setUpload] = useState<ImportUpload | undefined>();
  const [started, setStarted] = useState(false);
  return (
    <div className="intake stack">
      <h1>{t('intake.import.title')}</h1>
      <p className="muted">{t('intake.import.intro')}</p>
      <UploadForm
        onUploaded={(u) => {
          setUpload(u);
          setStarted(false);
        }}
      />
      {upload && !started && <MappingStep key={upload.importId} upload={upload} onStarted={() => setStarted(true)} />}
      {upload && started && <Progress importId={upload.importId} />}
    </div>
  );
}

function UploadForm({ onUploaded }: { onUploaded: (upload: ImportUpload) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const id = useId();
  const [file, setFile] = useState<File | undefined>();
  const currency = session && membershipOf(session)?.shopCurrency;
  // The sheet's dates and hours are the shop's.
  const send = useMutation({
    mutationFn: (chosen: File) => intakeApi.upload(chosen, { timeZone: format.timeZone, ...(currency ? { currency } : {}) }),
    onSuccess: onUploaded,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) send.mutate(file);
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('intake.import.step1')}</h2>
      <label>
        {t('intake.import.file')}
        <input type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.target.files?.[0])} aria-describedby={`${id}-note`} />
      </label>
      <p id={`${id}-note`} className="muted small">
        {t('intake.import.fileNote')}
      </p>
      <ApiProblem error={send.error} />
      <div>
        <button type="submit" className="primary" disabled={!file || send.isPending}>
          {send.isPending ? t('intake.import.uploading') : t('intake.import.upload')}
        </button>
      </div>
    </form>
  );
}

function MappingStep({ upload, onStarted }: { upload: ImportUpload; onStarted: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const id = useId();
  const currency = session && membershipOf(session)?.shopCurrency;
  const [byColumn, setByColumn] = useState<Record<string, string>>(() => fieldsByColumn(upload.columns, upload.suggestedMapping));
  const [dateOrder, setDateOrder] = useState<DateOrder>('ymd');
  const [defaultHours, setDefaultHours] = useState('');
  const choices = fieldChoices(upload.suggestedMapping);
  const twice = mappingProblems(byColumn);
  const settings: ImportSettings = {
    mapping: columnsByField(byColumn),
    dateOrder,
    channel: 'phone',
    ...(currency ? { currency } : {}),
    ...(defaultHours.trim() ? { defaultHours: defaultHours.trim() } : {}),
  };
  // The preview follows the mapping as staff change it: the service reads the first rows again (nothing is imported).
  const preview = useQuery({
    queryKey: ['orders', 'intake', 'imports', upload.importId, 'preview', settings],
    queryFn: () => intakeApi.preview(upload.importId, settings),
    enabled: twice.length === 0,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
  const shown = preview.data ?? upload;
  const start = useMutation({ mutationFn: () => intakeApi.start(upload.importId, settings), onSuccess: onStarted });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (twice.length === 0) start.mutate();
  };
  const blocked = twice.length > 0 || shown.mappingProblems.length > 0;
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('intake.import.step2')}</h2>
      <p className="muted">{t('intake.import.rowsInFile', { count: upload.rowsTotal })}</p>
      <div className="table-scroll">
        <table className="import-mapping">
          <caption>{t('intake.import.mappingCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('intake.import.column')}</th>
              <th scope="col">{t('intake.import.field')}</th>
            </tr>
          </thead>
          <tbody>
            {upload.columns.map((column) => (
              <tr key={column}>
                <th scope="row">
                  <code>{column}</code>
                </th>
                <td>
                  <select
                    aria-label={t('intake.import.fieldOf', { column })}
                    value={byColumn[column]}
                    onChange={(e) => setByColumn((m) => ({ ...m, [column]: e.target.value }))}
                  >
                    <option value="">{t('intake.import.ignore')}</option>
                    {choices.map((field) => (
                      <option key={field} value={field}>
                        {t(`intake.field.${field}`)}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row">
        <label>
          {t('intake.import.dateOrder')}
          <select value={dateOrder} onChange={(e) => setDateOrder(e.target.value as DateOrder)}>
            {DATE_ORDERS.map((order) => (
              <option key={order} value={order}>
                {t(`intake.import.dateOrders.${order}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('intake.import.defaultHours')}
          <input value={defaultHours} placeholder="09:00-18:00" onChange={(e) => setDefaultHours(e.target.value)} aria-describedby={`${id}-hours`} />
        </label>
      </div>
      <p id={`${id}-hours`} className="muted small">
        {t('intake.import.defaultHoursNote')}
      </p>
      {(twice.length > 0 || shown.mappingProblems.length > 0) && (
        <ul role="alert" className="problem">
          {twice.map((p) => (
            <li key={p.field}>{t('intake.import.twice', { field: t(`intake.field.${p.field}`), columns: p.columns.join(', ') })}</li>
          ))}
          {twice.length === 0 && shown.mappingProblems.map((p) => <li key={p}>{p}</li>)}
        </ul>
      )}
      <PreviewTable rows={shown.preview} updating={preview.isFetching} />
      <ApiProblem error={preview.error ?? start.error} />
      <div>
        <button type="submit" className="primary" disabled={start.isPending || blocked}>
          {t('intake.import.start')}
        </button>
      </div>
    </form>
  );
}

function PreviewTable({ rows, updating }: { rows: PreviewRow[]; updating: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reasonText = useReasonText();
  return (
    <div className="table-scroll" aria-busy={updating}>
      <table className="import-preview">
        <caption>{t('intake.import.previewCaption', { count: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('intake.import.line')}</th>
            <th scope="col">{t('intake.import.reference')}</th>
            <th scope="col">{t('intake.import.looksLike')}</th>
            <th scope="col">{t('intake.import.wouldBe')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.line} data-line={row.line} data-outcome={row.outcome}>
              <th scope="row">{row.line}</th>
              <td>{row.externalRef ?? ''}</td>
              <td className="small">
                {row.order &&
                  [
                    row.order.recipientName,
                    row.order.deliveryWindow ? format.window(row.order.deliveryWindow) : row.order.deliveryDate,
                    row.order.items.map((i) => t('intake.attention.item', { name: i.name, quantity: i.quantity })).join(', '),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
              </td>
              <td>
                {t(`intake.import.previewOutcome.${row.outcome}`)}
                {row.reason && <div className="muted small">{reasonText(row.reason)}</div>}
                {row.problems.length > 0 && (
                  <ul className="small problem">
                    {row.problems.map((p, i) => (
                      <li key={i}>
                        {p.column ? `${p.column}: ` : ''}
                        {p.message}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Progress({ importId }: { importId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const progress = useQuery({
    queryKey: ['orders', 'intake', 'imports', importId],
    queryFn: () => intakeApi.progress(importId),
    refetchInterval: (query) => (isRunning(query.state.data) ? PROGRESS_EVERY_MS : false),
  });
  const p = progress.data;
  const share = p ? progressShare(p) : undefined;
  const done =
    p &&
    (p.rowsTotal === undefined ? t('intake.import.rowsDoneOpen', { done: p.rowsDone }) : t('intake.import.rowsDone', { done: p.rowsDone, total: p.rowsTotal }));
  return (
    <section className="card stack" aria-labelledby={`${id}-title`} data-import-status={p?.status ?? ''}>
      <h2 id={`${id}-title`}>{t('intake.import.step3')}</h2>
      <ApiProblem error={progress.error} />
      {p && (
        <>
          <label>
            {t(`intake.import.status.${p.status}`)}
            <progress max={100} value={share} aria-valuetext={done} />
          </label>
          <p aria-live="polite">{done}</p>
          {p.error && <p className="problem">{p.error}</p>}
          <dl className="facts counts">
            <dt>{t('intake.import.outcome.imported')}</dt>
            <dd data-count="imported">{p.imported}</dd>
            <dt>{t('intake.import.outcome.duplicate')}</dt>
            <dd data-count="duplicate">{p.duplicates}</dd>
            <dt>{t('intake.import.outcome.needs_attention')}</dt>
            <dd data-count="needs_attention">{p.needsAttention}</dd>
            <dt>{t('intake.import.outcome.rejected')}</dt>
            <dd data-count="rejected">{p.rejected}</dd>
          </dl>
          {p.needsAttention > 0 && (
            <p>
              <Link to="/attention">{t('intake.import.toAttention', { count: p.needsAttention })}</Link>
            </p>
          )}
          {p.status === 'finished' && <Report importId={importId} rows={p.rowsDone} />}
        </>
      )}
    </section>
  );
}

const isRunning = (p: ImportProgress | undefined) => !p || p.status === 'uploading' || p.status === 'uploaded' || p.status === 'running';

/** The report's first page, rows not imported first; every row of a large import is in the download. */
function Report({ importId, rows }: { importId: string; rows: number }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const report = useQuery({ queryKey: ['orders', 'intake', 'imports', importId, 'report'], queryFn: () => intakeApi.report(importId), staleTime: Infinity });
  const download = useMutation({
    mutationFn: () => intakeApi.reportCsv(importId),
    onSuccess: (csv) => {
      // The report is behind the staff member's token, so it is fetched and handed to the browser as a file.
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `import-${importId}-report.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  });
  const shown = report.data ? reportRowsToShow(report.data.rows) : undefined;
  return (
    <div className="stack">
      <h3>{t('intake.import.report')}</h3>
      <div>
        <button type="button" disabled={download.isPending} onClick={() => download.mutate()}>
          {t('intake.import.download')}
        </button>
      </div>
      <ApiProblem error={report.error ?? download.error} />
      {shown && (
        <div className="table-scroll">
          <table className="import-report">
            <caption>{t('intake.import.reportCaption', { shown: shown.rows.length, total: Math.max(rows, shown.total) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('intake.import.line')}</th>
                <th scope="col">{t('intake.import.reference')}</th>
                <th scope="col">{t('intake.import.outcomeColumn')}</th>
                <th scope="col">{t('intake.import.reason')}</th>
                <th scope="col">{t('intake.import.order')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((r) => (
                <tr key={r.line} data-line={r.line} data-outcome={r.outcome}>
                  <th scope="row">{r.line}</th>
                  <td>{r.externalRef ?? ''}</td>
                  <td>{t(`intake.import.outcome.${r.outcome}`)}</td>
                  <td>{reasonText(r.reason)}</td>
                  <td>{r.orderId && <Link to={`/orders/${r.orderId}`}>{t('intake.import.openOrder', { line: r.line })}</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
