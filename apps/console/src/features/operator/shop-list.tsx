import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, data } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';

const PAGE = 50;

/** Every shop on the platform, newest first, found by name; a shop's dead letters are one click away. */
export function ShopList({ onDeadLetters }: { onDeadLetters: (shopId: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const shops = useInfiniteQuery({
    queryKey: ['operator-shops', q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      data(api.accounts.GET('/shops', { params: { query: { limit: PAGE, ...(q ? { q } : {}), ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = shops.data?.pages.flatMap((p) => p.items) ?? [];
  const search = (event: FormEvent) => {
    event.preventDefault();
    setQ(typed.trim());
  };

  return (
    <section aria-labelledby="shops-title" className="stack">
      <h2 id="shops-title">{t('operator.shops.title')}</h2>
      <form role="search" className="row" onSubmit={search} aria-label={t('operator.shops.searchLabel')}>
        <label className="inline">
          {t('operator.shops.search')}
          <input type="search" value={typed} maxLength={100} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit">{t('operator.shops.searchButton')}</button>
      </form>
      <ApiProblem error={shops.error} />
      {shops.isPending && <p role="status">{t('common.loading')}</p>}
      {shops.data && items.length === 0 && <p>{q ? t('operator.shops.noneNamed', { q }) : t('operator.shops.none')}</p>}
      {items.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption>{q ? t('operator.shops.captionNamed', { q }) : t('operator.shops.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('operator.shops.name')}</th>
                <th scope="col">{t('operator.shops.timeZone')}</th>
                <th scope="col">{t('operator.shops.currency')}</th>
                <th scope="col">{t('operator.shops.created')}</th>
                <th scope="col">{t('operator.shops.members')}</th>
                <th scope="col">{t('operator.shops.owners')}</th>
                <th scope="col">{t('operator.shops.deadLetters')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((shop) => (
                <tr key={shop.shopId} data-shop-id={shop.shopId}>
                  <th scope="row">
                    {shop.name}
                    <div className="muted small">{shop.shopId}</div>
                  </th>
                  <td>{shop.timeZone}</td>
                  <td>{shop.currency}</td>
                  <td>{format.dateTime(shop.createdAt)}</td>
                  <td>{shop.memberCount}</td>
                  <td>{shop.owners.map((o) => o.displayName).join(', ')}</td>
                  <td>
                    <button type="button" onClick={() => onDeadLetters(shop.shopId)}>
                      {t('operator.shops.showDeadLetters', { name: shop.name })}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shops.hasNextPage && (
        <div>
          <button type="button" disabled={shops.isFetchingNextPage} onClick={() => void shops.fetchNextPage()}>
            {t('operator.shops.more')}
          </button>
        </div>
      )}
    </section>
  );
}
