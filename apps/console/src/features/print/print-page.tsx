import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, data } from '../../api';
import { useFormat } from '../../format';
import { membershipOf, useSession } from '../../session/session';
import { orderTitle } from '../order/labels';
import { orderKey, type OrderSummary } from '../order/order-api';
import { StatusBadge } from '../order/status-badge';
import { shopDate, shopDayBounds } from '../../shop-clock';
import { CardSheet, DeliveryLabel } from './print-sheets';
import './print-page.css';

/** Label stock the shops use; each label prints on a page of its own size. */
const LABEL_STOCKS = {
  '100x150': { width: '100mm', height: '150mm' },
  '4x6in': { width: '4in', height: '6in' },
  '100x100': { width: '100mm', height: '100mm' },
} as const;
type LabelStock = keyof typeof LABEL_STOCKS;
const STOCK_KEY = 'petalpost.print.labelStock';

/** Made, being made or about to be: what goes out on the morning's run. */
const FOR_THE_RUN = ['accepted', 'in_production', 'ready'] as const;

/**
 * Delivery labels and cards, one per page at the stock's size. With ?orders=a,b it prints those;
 * without, it lists today's orders for the run to choose from.
 */
export default function PrintPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const given = useMemo(() => (params.get('orders') ?? '').split(',').filter(Boolean), [params]);
  const [stock, setStock] = useState<LabelStock>(() => {
    const kept = localStorage.getItem(STOCK_KEY);
    return kept && kept in LABEL_STOCKS ? (kept as LabelStock) : '100x150';
  });
  const [withCards, setWithCards] = useState(true);
  const [selected, setSelected] = useState<string[]>([]);
  const toPrint = given.length > 0 ? given : selected;
  const sheets = useQueries({
    queries: toPrint.map((orderId) => ({
      queryKey: orderKey(orderId),
      queryFn: () => data(api.orders.GET('/orders/{orderId}', { params: { path: { orderId } } })),
    })),
  });
  const ready = sheets.length > 0 && sheets.every((q) => q.data);
  const failed = sheets.filter((q) => q.error);
  const session = useSession();
  const shopName = session ? membershipOf(session)?.shopName : undefined;

  const chooseStock = (value: LabelStock) => {
    setStock(value);
    localStorage.setItem(STOCK_KEY, value);
  };

  return (
    <div className="print-page">
      <PageSizes stock={stock} />
      <div className="no-print stack">
        <h1>{t('print.title')}</h1>
        <div className="row">
          <label>
            {t('print.labelStock')}
            <select value={stock} onChange={(e) => chooseStock(e.target.value as LabelStock)}>
              <option value="100x150">{t('print.stock100x150')}</option>
              <option value="4x6in">{t('print.stock4x6in')}</option>
              <option value="100x100">{t('print.stock100x100')}</option>
            </select>
          </label>
          <label className="inline">
            <input type="checkbox" checked={withCards} onChange={(e) => setWithCards(e.target.checked)} />
            {t('print.withCards')}
          </label>
          <button type="button" className="primary" disabled={!ready} onClick={() => window.print()}>
            {given.length > 0 ? t('print.print') : t('print.printSelected', { count: selected.length })}
          </button>
        </div>
        <p className="muted">{t('print.cardStock')}</p>
        {given.length > 0 ? <Link to="/print">{t('print.backToToday')}</Link> : <TodaysRun selected={selected} onSelect={setSelected} />}
        {failed.map((q, i) => (
          <p key={i} role="alert" className="problem">
            {t('common.error', { message: q.error?.message })}
          </p>
        ))}
        {toPrint.length > 0 && <h2>{t('print.preview')}</h2>}
      </div>
      <div className="sheets">
        {sheets.map((q, i) =>
          q.data ? (
            <div key={toPrint[i]} className="sheet-set">
              <DeliveryLabel order={q.data} shopName={shopName} />
              {withCards && <CardSheet order={q.data} />}
            </div>
          ) : null,
        )}
      </div>
    </div>
  );
}

/** The page sizes for print: labels at the chosen stock, cards on A6. */
function PageSizes({ stock }: { stock: LabelStock }) {
  const { width, height } = LABEL_STOCKS[stock];
  const css = `
@page label { size: ${width} ${height}; margin: 0; }
@page card { size: 105mm 148mm; margin: 0; }
.print-page { --label-width: ${width}; --label-height: ${height}; }
`;
  return <style>{css}</style>;
}

function TodaysRun({ selected, onSelect }: { selected: string[]; onSelect: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const today = useMemo(() => shopDayBounds(shopDate(new Date(), format.timeZone), format.timeZone), [format.timeZone]);
  const run = useQuery({
    queryKey: ['orders', 'print-run', today.from],
    queryFn: async () => {
      const pages = await Promise.all(
        FOR_THE_RUN.map((status) =>
          data(api.orders.GET('/orders', { params: { query: { status, windowFrom: today.from, windowTo: today.to, sort: 'window', limit: 200 } } })),
        ),
      );
      return pages.flatMap((p) => p.items).sort((a, b) => Date.parse(a.deliveryWindow.from) - Date.parse(b.deliveryWindow.from));
    },
  });
  const orders: OrderSummary[] = run.data ?? [];
  const all = orders.length > 0 && orders.every((o) => selected.includes(o.orderId));
  const toggle = (orderId: string, on: boolean) => onSelect(on ? [...selected, orderId] : selected.filter((id) => id !== orderId));

  return (
    <section aria-labelledby="run-title">
      <h2 id="run-title">{t('print.todaysRun', { day: format.day(today.from) })}</h2>
      {run.isPending && <p role="status">{t('common.loading')}</p>}
      {run.error && (
        <p role="alert" className="problem">
          {t('common.error', { message: run.error.message })}
        </p>
      )}
      {run.data && orders.length === 0 && <p>{t('print.nothingToday')}</p>}
      {orders.length > 0 && (
        <table className="run-table">
          <thead>
            <tr>
              <th scope="col">
                <label className="inline">
                  <input type="checkbox" checked={all} onChange={(e) => onSelect(e.target.checked ? orders.map((o) => o.orderId) : [])} />
                  {t('print.selectAll')}
                </label>
              </th>
              <th scope="col">{t('print.reference')}</th>
              <th scope="col">{t('print.window')}</th>
              <th scope="col">{t('print.recipient')}</th>
              <th scope="col">{t('print.status')}</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.orderId} data-order-id={o.orderId}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={t('print.select', { reference: orderTitle(o) })}
                    checked={selected.includes(o.orderId)}
                    onChange={(e) => toggle(o.orderId, e.target.checked)}
                  />
                </td>
                <td>
                  <Link to={`/orders/${o.orderId}`}>{orderTitle(o)}</Link>
                </td>
                <td>{format.window(o.deliveryWindow)}</td>
                <td>{o.recipientName === 'erased' ? t('print.erased') : (o.recipientName ?? '')}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
