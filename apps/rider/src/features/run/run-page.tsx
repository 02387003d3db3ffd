import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useOutbox } from '../../outbox/outbox';
import { useSession } from '../../session';
import { shortAddress } from '../common/address';
import { useShopFormat } from '../common/format';
import { fullRecipient, useOrder } from '../common/orders';
import { Problem } from '../common/problem';
import { hasChanges, lastSeenRun, markRunSeen, NO_CHANGES, runChanges } from './run-changes';
import { type RunStop, useRun } from './run-data';
import '../common/controls.css';
import './run.css';

/** Today's run: the stops in the order dispatch planned, what changed since the rider last looked, and which are at risk. */
export function RunPage() {
  const { t } = useTranslation();
  const session = useSession();
  const riderId = session?.personId ?? '';
  const run = useRun();
  const stops = run.data?.stops;
  const order = useMemo(() => stops?.map((s) => s.orderId), [stops]);
  const [seen, setSeen] = useState<string[] | undefined>(() => lastSeenRun(riderId));
  // Stops the rider finished themself left the run by their hand, not by a replan.
  const done = useMemo(() => new Set(run.data?.done.map((s) => s.orderId)), [run.data]);
  const changes = order
    ? runChanges(
        seen?.filter((id) => !done.has(id)),
        order,
      )
    : NO_CHANGES;

  // The first look at a run needs no "what changed": it is kept as seen at once.
  useEffect(() => {
    if (order && !seen && riderId) {
      markRunSeen(riderId, order);
      setSeen(order);
    }
  }, [order, seen, riderId]);

  const outbox = useOutbox();
  const waitingFor = new Set(outbox.filter((e) => e.state !== 'refused' && e.orderId).map((e) => e.orderId));
  const alerts = stops?.filter((s) => s.risk !== 'on_time') ?? [];

  return (
    <section className="run-page">
      <h1>{t('run.title')}</h1>
      {run.isPending && <p role="status">{t('common.loading')}</p>}
      <Problem error={run.error} />
      {alerts.length > 0 && (
        <div role="alert" className="run-alert">
          {alerts.map((s) => (
            <p key={s.orderId}>{t(`run.alert.${s.risk as 'at_risk' | 'late'}`, { name: s.recipientName ?? s.reference ?? '' })}</p>
          ))}
        </div>
      )}
      {hasChanges(changes) && (
        <section className="run-changes" aria-labelledby="run-changes-title">
          <h2 id="run-changes-title">{t('run.changes.title')}</h2>
          <p>{t('run.changes.summary', { added: changes.added.size, moved: changes.moved.size, removed: changes.removed.length })}</p>
          <button
            type="button"
            onClick={() => {
              if (!order) return;
              markRunSeen(riderId, order);
              setSeen(order);
            }}
          >
            {t('run.changes.seen')}
          </button>
        </section>
      )}
      {stops && stops.length === 0 && <p>{t('run.empty')}</p>}
      {stops && stops.length > 0 && (
        <ol className="run-stops" aria-label={t('run.stops')}>
          {stops.map((stop, index) => (
            <StopCard
              key={stop.orderId}
              stop={stop}
              place={index + 1}
              isNew={changes.added.has(stop.orderId)}
              movedFrom={changes.moved.get(stop.orderId)?.from}
              waiting={waitingFor.has(stop.orderId)}
              withAddress
            />
          ))}
        </ol>
      )}
      {run.data && run.data.done.length > 0 && (
        <section aria-labelledby="run-done-title">
          <h2 id="run-done-title">{t('run.done')}</h2>
          <ul className="run-stops done">
            {run.data.done.map((stop) => (
              <StopCard key={stop.orderId} stop={stop} waiting={waitingFor.has(stop.orderId)} />
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

interface StopCardProps {
  stop: RunStop;
  place?: number;
  isNew?: boolean;
  movedFrom?: number;
  waiting: boolean;
  /** Open stops show where they are; the order (with its address) is the one the stop's page reads. */
  withAddress?: boolean;
}

function StopCard({ stop, place, isNew, movedFrom, waiting, withAddress }: StopCardProps) {
  const { t } = useTranslation();
  const format = useShopFormat();
  return (
    <li className={`run-stop risk-${stop.risk}`} data-order-id={stop.orderId}>
      <Link to={`/stops/${stop.orderId}`} className="run-stop-link">
        <span className="run-stop-head">
          {place !== undefined && <span className="run-stop-place">{place}</span>}
          <strong className="run-stop-name">{stop.recipientName ?? stop.reference ?? t('run.noName')}</strong>
          {stop.risk !== 'on_time' && (
            <span className={`tag tag-${stop.risk} tag-risk`}>
              <span aria-hidden="true">⚠ </span>
              {t(`run.risk.${stop.risk}`)}
            </span>
          )}
          {isNew && <span className="tag tag-new">{t('run.changes.new')}</span>}
          {movedFrom !== undefined && <span className="tag tag-moved">{t('run.changes.moved', { from: movedFrom })}</span>}
        </span>
        {withAddress && <StopAddress orderId={stop.orderId} />}
        <span className="run-stop-facts">
          <span>{t('run.window', { window: format.window(stop.window) })}</span>
          {stop.eta && <span>{t('run.eta', { eta: format.time(stop.eta) })}</span>}
          {stop.trip !== undefined && stop.stop !== undefined && <span>{t('run.tripStop', { trip: stop.trip, stop: stop.stop })}</span>}
        </span>
        <span className="run-stop-facts">
          <span className={`status status-${stop.status}`}>{t(`shared.status.${stop.status}`)}</span>
          {stop.openExceptions > 0 && <span className="tag tag-exception">{t('run.openExceptions', { count: stop.openExceptions })}</span>}
          {waiting && <span className="tag tag-waiting">{t('run.waiting')}</span>}
        </span>
      </Link>
    </li>
  );
}

/** The street and building, as the rider scans the list by; nothing while the order is read. */
function StopAddress({ orderId }: { orderId: string }) {
  const order = useOrder(orderId);
  const text = order.data && fullRecipient(order.data)?.address.text;
  return text ? <span className="run-stop-address">{shortAddress(text)}</span> : null;
}
