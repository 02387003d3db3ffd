import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { useServiceNames } from './service-names';
import { listProjections, PROJECTION_SERVICES, type Projection, type ProjectionService, rebuildProjection } from './operator-api';

const REBUILD_PROGRESS_MS = 1000;

/** Each service's projections, their lag and rebuilds: one table per service, so one service down hides no other. */
export function Projections() {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="projections-title" className="stack">
      <h2 id="projections-title">{t('operator.projections.title')}</h2>
      <p className="muted">{t('operator.projections.services')}</p>
      {PROJECTION_SERVICES.map((service) => (
        <ServiceProjections key={service} service={service} />
      ))}
    </section>
  );
}

function ServiceProjections({ service }: { service: ProjectionService }) {
  const { t } = useTranslation();
  const names = useServiceNames();
  const projections = useQuery({
    queryKey: ['admin-projections', service],
    queryFn: listProjections[service],
    // A rebuild's progress is no event on the notifications stream (only the services' logs and
    // this answer carry it), so while one runs this list is asked again each second; never otherwise.
    refetchInterval: (query) =>
      query.state.data?.items.some((p) => p.rebuild?.state === 'running' || p.rebuild?.state === 'swapping') ? REBUILD_PROGRESS_MS : false,
  });
  return (
    <div className="stack" data-service={service}>
      <ApiProblem error={projections.error} />
      {projections.isPending && <p role="status">{t('common.loading')}</p>}
      {projections.data && (
        <div className="table-scroll">
          <table>
            <caption>{t('operator.projections.caption', { service: names[service] })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('operator.projections.name')}</th>
                <th scope="col">{t('operator.projections.state')}</th>
                <th scope="col">{t('operator.projections.lag')}</th>
                <th scope="col">{t('operator.projections.rate')}</th>
                <th scope="col">{t('operator.projections.lastProgress')}</th>
                <th scope="col">{t('operator.projections.rebuild')}</th>
              </tr>
            </thead>
            <tbody>
              {projections.data.items.map((p) => (
                <ProjectionRow key={p.name} service={service} projection={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ProjectionRow({ service, projection: p }: { service: ProjectionService; projection: Projection }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const rebuild = useMutation({
    mutationFn: () => rebuildProjection[service](p.name),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['admin-projections', service] }),
  });
  const r = p.rebuild;
  const running = r?.state === 'running' || r?.state === 'swapping';
  const states = {
    running: t('operator.projections.rebuildState.running'),
    swapping: t('operator.projections.rebuildState.swapping'),
    done: t('operator.projections.rebuildState.done'),
    failed: t('operator.projections.rebuildState.failed'),
  };
  // Events done of the events there were to do: the log keeps growing, so the total is done + what is left.
  const total = r ? r.eventsDone + r.lag : 0;
  const percent = total > 0 && r ? Math.floor((100 * r.eventsDone) / total) : 100;
  return (
    <tr data-projection={p.name}>
      <th scope="row">
        {p.name} <span className="muted">v{p.version}</span>
      </th>
      <td data-status={p.lastError ? 'error' : p.ready ? 'ready' : 'catching-up'}>
        {p.lastError ? (
          <span className="problem">{t('operator.projections.failing', { error: p.lastError })}</span>
        ) : p.ready ? (
          t('operator.projections.ready')
        ) : (
          t('operator.projections.catchingUp')
        )}
      </td>
      <td>{p.lag ?? '–'}</td>
      <td>{t('operator.projections.rateCell', { rate: Math.round(p.eventsPerSecond), applied: p.eventsApplied })}</td>
      <td>{format.dateTime(p.lastProgressAt)}</td>
      <td className="stack">
        {r && (
          <div data-status={r.state}>
            <span className="badge">{states[r.state]}</span>{' '}
            {running && (
              <>
                <progress max={Math.max(1, total)} value={r.eventsDone} aria-label={t('operator.projections.progressOf', { name: p.name })} />{' '}
                <span>
                  {t('operator.projections.progress', { percent, done: r.eventsDone, lag: r.lag, rate: Math.round(r.eventsPerSecond) })}
                  {r.etaSeconds !== undefined && ` ${t('operator.projections.eta', { seconds: Math.round(r.etaSeconds) })}`}
                </span>
              </>
            )}
            {!running && r.finishedAt && <span className="muted">{t('operator.projections.finished', { time: format.dateTime(r.finishedAt) })}</span>}
            {r.error && <p className="problem">{r.error}</p>}
          </div>
        )}
        <div>
          <button type="button" disabled={running || rebuild.isPending} onClick={() => rebuild.mutate()}>
            {t('operator.projections.rebuildButton', { name: p.name })}
          </button>
        </div>
        <ApiProblem error={rebuild.error} />
      </td>
    </tr>
  );
}
