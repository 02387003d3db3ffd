import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import './operator.css';

type Projection = Awaited<ReturnType<typeof listProjections>>['items'][number];
const listProjections = () => data(api.orders.GET('/admin/projections'));
const REBUILD_PROGRESS_MS = 1000;

/** The operators' desk: projections and their lag with rebuilds, and webhook dead letters to retry. */
export default function OperatorPage() {
  const { t } = useTranslation();
  const [shopId, setShopId] = useState('');
  return (
    <div className="operator stack">
      <h1>{t('operator.title')}</h1>
      <section aria-labelledby="shops-title" className="stack">
        <h2 id="shops-title">{t('operator.shops.title')}</h2>
        <p>{t('operator.shops.noList')}</p>
        <label className="inline">
          {t('operator.shops.filter')}
          <input value={shopId} onChange={(e) => setShopId(e.target.value.trim())} aria-describedby="shop-filter-note" />
        </label>
        <p id="shop-filter-note" className="muted">
          {t('operator.shops.filterNote')}
        </p>
      </section>
      <Projections />
      <DeadLetters shopId={shopId} />
      <section aria-labelledby="kafka-title" className="stack">
        <h2 id="kafka-title">{t('operator.kafka.title')}</h2>
        <p>{t('operator.kafka.noApi')}</p>
      </section>
    </div>
  );
}

function Projections() {
  const { t } = useTranslation();
  const projections = useQuery({
    queryKey: ['admin-projections', 'orders'],
    queryFn: listProjections,
    // A rebuild's progress is no event on the notifications stream (only the services' logs and
    // this answer carry it), so while one runs this list is asked again each second; never otherwise.
    refetchInterval: (query) =>
      query.state.data?.items.some((p) => p.rebuild?.state === 'running' || p.rebuild?.state === 'swapping') ? REBUILD_PROGRESS_MS : false,
  });
  return (
    <section aria-labelledby="projections-title" className="stack">
      <h2 id="projections-title">{t('operator.projections.title')}</h2>
      <p className="muted">{t('operator.projections.services')}</p>
      <ApiProblem error={projections.error} />
      {projections.isPending && <p role="status">{t('common.loading')}</p>}
      {projections.data && (
        <div className="table-scroll">
          <table>
            <caption>{t('operator.projections.caption')}</caption>
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
                <ProjectionRow key={p.name} projection={p} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ProjectionRow({ projection: p }: { projection: Projection }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const rebuild = useMutation({
    mutationFn: () => data(api.orders.POST('/admin/projections/{name}/rebuild', { params: { path: { name: p.name } }, body: {} })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['admin-projections', 'orders'] }),
  });
  const r = p.rebuild;
  const running = r?.state === 'running' || r?.state === 'swapping';
  const states = {
    running: t('operator.projections.rebuildState.running'),
    swapping: t('operator.projections.rebuildState.swapping'),
    done: t('operator.projections.rebuildState.done'),
    failed: t('operator.projections.rebuildState.failed'),
  };
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
                <progress max={Math.max(1, r.head)} value={r.position.globalPosition} aria-label={t('operator.projections.progressOf', { name: p.name })} />{' '}
                <span>
                  {t('operator.projections.progress', {
                    done: r.eventsDone,
                    lag: r.lag,
                    rate: Math.round(r.eventsPerSecond),
                  })}
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

function DeadLetters({ shopId }: { shopId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const letters = useInfiniteQuery({
    queryKey: ['webhook-dead-letters', shopId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.notifications.GET('/webhooks/dead-letters', {
          params: { query: { limit: 50, ...(shopId ? { shopId } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const retry = useMutation({
    mutationFn: (deliveryId: string) =>
      data(api.notifications.POST('/webhooks/dead-letters/{deliveryId}/retry', { params: { path: { deliveryId } }, body: {} })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['webhook-dead-letters'] }),
  });
  const items = letters.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="dead-letters-title" className="stack">
      <h2 id="dead-letters-title">{t('operator.deadLetters.title')}</h2>
      <ApiProblem error={letters.error ?? retry.error} />
      <p role="status">{retry.data ? t('operator.deadLetters.retried', { time: format.dateTime(retry.data.nextAttemptAt) }) : ''}</p>
      {letters.isPending && <p>{t('common.loading')}</p>}
      {letters.data && items.length === 0 && <p>{t('operator.deadLetters.none')}</p>}
      {items.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>{t('operator.deadLetters.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('operator.deadLetters.failedAt')}</th>
                <th scope="col">{t('operator.deadLetters.event')}</th>
                <th scope="col">{t('operator.deadLetters.shop')}</th>
                <th scope="col">{t('operator.deadLetters.url')}</th>
                <th scope="col">{t('operator.deadLetters.error')}</th>
                <th scope="col">{t('operator.deadLetters.retry')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id} data-delivery-id={d.id}>
                  <td>{format.dateTime(d.failedAt)}</td>
                  <th scope="row">
                    {d.eventType}
                    <div className="muted small">{d.eventId}</div>
                  </th>
                  <td>{d.shopId}</td>
                  <td className="url">{d.url}</td>
                  <td>
                    {t('operator.deadLetters.attempts', { n: d.attempts })} {d.lastStatusCode ?? ''} {d.lastError ?? ''}
                  </td>
                  <td>
                    <button type="button" disabled={retry.isPending} onClick={() => retry.mutate(d.id)}>
                      {t('operator.deadLetters.retryOne', { event: d.eventType })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {letters.hasNextPage && (
        <div>
          <button type="button" disabled={letters.isFetchingNextPage} onClick={() => void letters.fetchNextPage()}>
            {t('operator.deadLetters.more')}
          </button>
        </div>
      )}
    </section>
  );
}
