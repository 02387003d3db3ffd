import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useFormat } from '../../format';
import { shopDate } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { useRiderNames } from '../../ui/riders';
import { BOARD_LIMIT, type BoardOrder, type OrderStatus, useDayOrders, useDeliveryMarks } from './board-data';
import { type CardModel, OrderCard } from './order-card';
import './board.css';

/** The board's columns: the flow of a day at the counter, the rare endings grouped. */
const COLUMNS: Array<{ key: string; statuses: OrderStatus[] }> = [
  { key: 'placed', statuses: ['placed'] },
  { key: 'accepted', statuses: ['accepted'] },
  { key: 'in_production', statuses: ['in_production'] },
  { key: 'ready', statuses: ['ready'] },
  { key: 'out_for_delivery', statuses: ['out_for_delivery'] },
  { key: 'attempted', statuses: ['carded', 'delivery_failed'] },
  { key: 'closed', statuses: ['delivered', 'returned', 'cancelled', 'rejected'] },
];
const FINAL: OrderStatus[] = ['delivered', 'returned', 'cancelled', 'rejected'];
const SEARCH_PAUSE_MS = 250;

const windowKey = (order: BoardOrder) => `${order.deliveryWindow.from}|${order.deliveryWindow.to}`;

export default function BoardPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const today = shopDate(Date.now(), format.timeZone);
  const day = params.get('day') || today;
  const view = params.get('view') === 'list' ? 'list' : 'columns';
  const windowFilter = params.get('window') ?? '';
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const search = params.get('q') ?? '';

  const setParam = (name: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  // The search goes to the server (the API's `q`) once typing pauses, not on every key.
  useEffect(() => {
    const typed = searchText.trim();
    if (typed === search) return;
    const timer = setTimeout(() => setParam('q', typed), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [searchText, search]);

  const orders = useDayOrders(day, format.timeZone, search);
  const riders = useRiderNames();
  const { withoutPoint, alerts } = useDeliveryMarks();

  const all = useMemo(() => orders.data?.orders ?? [], [orders.data]);
  const windows = useMemo(() => {
    const seen = new Map<string, string>();
    for (const order of all)
      if (!seen.has(windowKey(order))) seen.set(windowKey(order), `${format.time(order.deliveryWindow.from)}–${format.time(order.deliveryWindow.to)}`);
    return [...seen];
  }, [all, format.locale, format.timeZone]);

  const cards = useMemo(
    () =>
      all
        .filter((order) => !windowFilter || windowKey(order) === windowFilter)
        .map((order): CardModel => {
          const open = !FINAL.includes(order.status);
          return {
            order,
            reference: order.reference,
            recipient: order.recipientName === 'erased' ? t('board.erased') : (order.recipientName ?? t('board.noRecipient')),
            window: `${format.time(order.deliveryWindow.from)}–${format.time(order.deliveryWindow.to)}`,
            deadline: order.deadline ? format.time(order.deadline) : undefined,
            rider: order.riderId ? (riders.get(order.riderId) ?? order.riderId) : undefined,
            noPoint: open && withoutPoint.has(order.orderId),
            alert: open ? alerts.get(order.orderId) : undefined,
          };
        }),
    // `format` is rebuilt every render: its locale and zone are what the labels depend on.
    [all, windowFilter, riders, withoutPoint, alerts, t, format.locale, format.timeZone],
  );

  return (
    <div className="board">
      <div className="board-top">
        <h1>{t('board.title')}</h1>
        <Link className="button-link primary" to="/orders/new">
          {t('board.newOrder')}
        </Link>
      </div>

      <div className="board-filters row" role="search">
        <label>
          {t('board.day')}
          <input type="date" value={day} onChange={(e) => setParam('day', e.target.value === today ? '' : e.target.value)} required />
        </label>
        <button type="button" onClick={() => setParam('day', '')} disabled={day === today}>
          {t('board.today')}
        </button>
        <label>
          {t('board.window')}
          <select value={windowFilter} onChange={(e) => setParam('window', e.target.value)}>
            <option value="">{t('board.allWindows')}</option>
            {windows.map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="board-search">
          {t('board.search')}
          <input type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} autoComplete="off" />
        </label>
        <div role="group" aria-label={t('board.view')} className="board-view">
          <button type="button" aria-pressed={view === 'columns'} onClick={() => setParam('view', '')}>
            {t('board.columns')}
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setParam('view', 'list')}>
            {t('board.list')}
          </button>
        </div>
      </div>

      <p className="board-count muted" role="status">
        {orders.isPending ? t('common.loading') : t('board.count', { count: cards.length })}
      </p>
      <ApiProblem error={orders.error} />
      {orders.data?.cut && <p className="muted">{t('board.more', { count: BOARD_LIMIT })}</p>}
      {orders.isSuccess && cards.length === 0 && <p>{t('board.empty')}</p>}

      {cards.length > 0 && view === 'columns' && (
        <div className="board-columns">
          {COLUMNS.map((column) => {
            const inColumn = cards.filter((c) => column.statuses.includes(c.order.status));
            return (
              <section key={column.key} className="board-column" aria-labelledby={`column-${column.key}`}>
                <h2 id={`column-${column.key}`}>
                  {t(`board.column.${column.key}`)} <span className="board-column-count">({inColumn.length})</span>
                </h2>
                <ol className="board-cards">
                  {inColumn.map((card) => (
                    <li key={card.order.orderId}>
                      <OrderCard card={card} t={t} />
                    </li>
                  ))}
                </ol>
              </section>
            );
          })}
        </div>
      )}

      {cards.length > 0 && view === 'list' && (
        <ol className="board-list">
          {cards.map((card) => (
            <li key={card.order.orderId}>
              <OrderCard card={card} t={t} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
