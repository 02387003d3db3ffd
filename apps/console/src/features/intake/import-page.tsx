import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiProblem } from '../../ui/api-problem';
import { columnsByField, fieldChoices, fieldsByColumn, IGNORED, mappingProblems, progressShare, reportRowsToShow } from './import-mapping';
import { type ImportProgress, type ImportUpload, intakeApi } from './intake-api';
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
        disabled={started}
      />
      {upload && !started && <MappingStep key={upload.importId} upload={upload} onStarted={() => setStarted(true)} />}
      {upload && started && <Progress importId={upload.importId} />}
    </div>
  );
}

function UploadForm({ onUploaded, disabled }: { onUploaded: (upload: ImportUpload) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | undefined>();
  const send = useMutation({ mutationFn: (chosen: File) => intakeApi.upload(chosen), onSuccess: onUploaded });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) send.mutate(file);
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('intake.import.step1')}</h2>
      <label>
        {t('intake.import.file')}
        <input ref={input} type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.target.files?.[0])} aria-describedby={`${id}-note`} />
      </label>
      <p id={`${id}-note`} className="muted small">
        {t('intake.import.fileNote')}
      </p>
      <ApiProblem error={send.error} />
      <div>
        <button type="submit" className="primary" disabled={!file || send.isPending || disabled}>
          {send.isPending ? t('intake.import.uploading') : t('intake.import.upload')}
        </button>
      </div>
    </form>
  );
}

function MappingStep({ upload, onStarted }: { upload: ImportUpload; onStarted: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const reasonText = useReasonText();
  const [mapping, setMapping] = useState<Record<string, string>>(() => fieldsByColumn(upload.columns, upload.suggestedMapping));
  const choices = fieldChoices(upload.suggestedMapping);
  const problems = mappingProblems(mapping);
  const start = useMutation({ mutationFn: () => intakeApi.start(upload.importId, columnsByField(mapping)), onSuccess: onStarted });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problems.length === 0) start.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('intake.import.step2')}</h2>
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
                    value={mapping[column]}
                    onChange={(e) => setMapping((m) => ({ ...m, [column]: e.target.value }))}
                  >
                    <option value={IGNORED}>{t('intake.import.ignore')}</option>
                    {choices.map((field) => (
                      <option key={field} value={field}>
                        {t(`intake.field.${field}`, { defaultValue: field })}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problems.length > 0 && (
        <ul role="alert" className="problem">
          {problems.map((p) => (
            <li key={p.field}>{t('intake.import.twice', { field: t(`intake.field.${p.field}`, { defaultValue: p.field }), columns: p.columns.join(', ') })}</li>
          ))}
        </ul>
      )}
      <div className="table-scroll">
        <table className="import-preview">
          <caption>{t('intake.import.previewCaption', { count: upload.preview.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('intake.import.row')}</th>
              <th scope="col">{t('intake.import.looksLike')}</th>
              <th scope="col">{t('intake.import.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {upload.preview.map((row) => (
              <tr key={row.row} data-row={row.row} data-ok={row.problems.length === 0}>
                <th scope="row">{row.row}</th>
                <td className="small">{previewText(row.order)}</td>
                <td>{row.problems.length === 0 ? t('intake.import.rowOk') : row.problems.map(reasonText).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">{t('intake.import.previewNote')}</p>
      <ApiProblem error={start.error} />
      <div>
        <button type="submit" className="primary" disabled={start.isPending || problems.length > 0}>
          {t('intake.import.start')}
        </button>
      </div>
    </form>
  );
}

/** A mapped row as one line: its values, in the order the service gave them. */
function previewText(order: unknown): string {
  if (!order || typeof order !== 'object') return '';
  const values: string[] = [];
  const walk = (value: unknown) => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') Object.values(value).forEach(walk);
    else values.push(String(value));
  };
  walk(order);
  return values.join(' · ');
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
  return (
    <section className="card stack" aria-labelledby={`${id}-title`} data-import-status={p?.status ?? ''}>
      <h2 id={`${id}-title`}>{t('intake.import.step3')}</h2>
      <ApiProblem error={progress.error} />
      {p && (
        <>
          <label>
            {t(`intake.import.status.${p.status}`)}
            <progress max={100} value={share} aria-valuetext={t('intake.import.rowsDone', { done: p.rowsDone, total: p.rowsTotal ?? '?' })} />
          </label>
          <p aria-live="polite">
            {p.rowsTotal === undefined
              ? t('intake.import.rowsDoneOpen', { done: p.rowsDone })
              : t('intake.import.rowsDone', { done: p.rowsDone, total: p.rowsTotal })}
          </p>
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
          {p.status === 'finished' && <Report importId={importId} />}
        </>
      )}
    </section>
  );
}

const isRunning = (p: ImportProgress | undefined) => !p || p.status === 'uploaded' || p.status === 'running';

function Report({ importId }: { importId: string }) {
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
            <caption>{t('intake.import.reportCaption', { shown: shown.rows.length, total: shown.total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('intake.import.row')}</th>
                <th scope="col">{t('intake.import.outcomeColumn')}</th>
                <th scope="col">{t('intake.import.reason')}</th>
                <th scope="col">{t('intake.import.order')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.rows.map((r) => (
                <tr key={r.row} data-row={r.row} data-outcome={r.outcome}>
                  <th scope="row">{r.row}</th>
                  <td>{t(`intake.import.outcome.${r.outcome}`)}</td>
                  <td>{reasonText(r.reason)}</td>
                  <td>{r.orderId && <Link to={`/orders/${r.orderId}`}>{t('intake.import.openOrder', { row: r.row })}</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
