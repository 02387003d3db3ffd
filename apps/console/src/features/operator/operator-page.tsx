import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { WritebacksSection } from '../intake/writebacks-section';
import { ShopList } from './shop-list';
import { KafkaDeadLetters } from './kafka-dead-letters';
import './operator.css';
import { Projections } from './projections';

/** The operators' desk: every shop, every service's projections with their lag and rebuilds, Kafka dead letters to replay, webhook dead letters to retry, status write-backs to the shops' own systems to retry. */
export default function OperatorPage() {
  const { t } = useTranslation();
  const [shopId, setShopId] = useState('');
  return (
    <div className="operator stack">
      <h1>{t('operator.title')}</h1>
      <ShopList
        onDeadLetters={(id) => {
          setShopId(id);
          // The keyboard lands on the filter it just set, beside the letters it shows.
          document.getElementById('dead-letter-shop')?.focus();
        }}
      />
      <Projections />
      <KafkaDeadLetters />
      <DeadLetters shopId={shopId} onShopId={setShopId} />
      <section className="intake stack" aria-label={t('intake.writebacks.title')}>
        <WritebacksSection linkOrders={false} />
      </section>
    </div>
  );
}

function DeadLetters({ shopId, onShopId }: { shopId: string; onShopId: (shopId: string) => void }) {
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
      <label className="inline">
        {t('operator.deadLetters.filter')}
        <input id="dead-letter-shop" value={shopId} onChange={(e) => onShopId(e.target.value.trim())} aria-describedby="shop-filter-note" />
      </label>
      <p id="shop-filter-note" className="muted">
        {t('operator.deadLetters.filterNote')}
      </p>
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
