import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type DragEvent, lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, ApiError, data, idempotencyKey } from '../../api';
import { useFormat } from '../../format';
import { useLive } from '../../live/live';
import { shopDate } from '../../shop-clock';
import { ApiProblem } from '../../ui/api-problem';
import { useConsoleConfig } from '../../ui/console-config';
import { RIDER_COLOUR, RISK_COLOURS } from './dispatch-colours';
import type { MapRider, MapStop } from './dispatch-map';
import { planReason, planReasonText } from './plan-trigger';
import { planChanges, type Risk, shownRisk } from './risk';
import './dispatch.css';

const DispatchMap = lazy(() => import('./dispatch-map'));

type Delivery = Awaited<ReturnType<typeof listDeliveries>>[number];
type Rider = Awaited<ReturnType<typeof listRiders>>[number];
type Trail = Array<{ lat: number; lng: number; recordedAt: string }>;

const ASSIGNABLE = new Set(['awaiting_assignment', 'ready_for_pickup']);
const GONE = new Set(['cancelled', 'rejected', 'returned']);
const TRAIL_POINTS = 20;
const LEGEND: Risk[] = ['on_time', 'at_risk', 'late', 'no_eta', 'done'];
const DRAG_TYPE = 'application/x-petalpost-order';

async function listDeliveries() {
  return (await data(api.dispatch.GET('/deliveries', { params: { query: { limit: 500 } } }))).items;
}
async function listRiders() {
  return (await data(api.dispatch.GET('/riders', { params: { query: { limit: 200 } } }))).items;
}
async function latestPlan() {
  try {
    return await data(api.dispatch.GET('/plans/latest', {}));
  } catch (error) {
    // No plan yet today is an answer, not a failure.
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The riders' recent trails (read once), followed by the positions the stream pushes. */
function useTrails(riderIds: string[]): Map<string, Trail> {
  const { positions } = useLive();
  const [initial, setInitial] = useState(new Map<string, Trail>());
  const key = riderIds.join(',');
  useEffect(() => {
    let cancelled = false;
    const ids = key ? key.split(',') : [];
    void Promise.all(
      ids.map(async (riderId) => {
        const answer = await api.dispatch.GET('/riders/{riderId}/trail', { params: { path: { riderId }, query: { limit: 200 } } });
        return [riderId, (answer.data?.items ?? []).slice(-TRAIL_POINTS)] as const;
      }),
    ).then((trails) => !cancelled && setInitial(new Map(trails)));
    return () => {
      cancelled = true;
    };
    // Keyed by the riders' ids: a new array of the same riders fetches nothing again.
  }, [key]);
  return useMemo(() => {
    const trails = new Map<string, Trail>();
    for (const riderId of new Set([...initial.keys(), ...positions.keys()])) {
      const read = initial.get(riderId) ?? [];
      const last = read.length ? Date.parse(read[read.length - 1].recordedAt) : 0;
      const pushed = (positions.get(riderId) ?? []).filter((p) => Date.parse(p.recordedAt) > last);
      trails.set(riderId, [...read, ...pushed].slice(-TRAIL_POINTS));
    }
    return trails;
  }, [initial, positions]);
}

function refusalText(t: TFunction, error: Error): string {
  const status = error instanceof ApiError && error.status === 409 ? error.details?.status : undefined;
  const now = typeof status === 'string' ? ` ${t('dispatch.stateNow', { status: t(`dispatch.status.${status}`, { defaultValue: status }) })}` : '';
  return t('dispatch.refused', { message: error.message }) + now;
}

export default function DispatchPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const deliveries = useQuery({ queryKey: ['dispatch', 'deliveries'], queryFn: listDeliveries });
  const riders = useQuery({ queryKey: ['dispatch', 'riders'], queryFn: listRiders });
  const plan = useQuery({ queryKey: ['dispatch', 'plan'], queryFn: latestPlan });
  const config = useConsoleConfig();
  const riderList = useMemo(() => riders.data ?? [], [riders.data]);
  const trails = useTrails(riderList.map((r) => r.riderId));
  const knownRider = (riderId: string) => riderList.find((r) => r.riderId === riderId)?.name;
  const riderName = (riderId?: string) => (riderId ? (knownRider(riderId) ?? riderId) : t('dispatch.nobody'));

  // Today's deliveries on the shop's clock, and every one still open whatever its day.
  const today = shopDate(Date.now(), format.timeZone);
  const board = useMemo(
    () => (deliveries.data ?? []).filter((d) => !GONE.has(d.status) && (d.status !== 'delivered' || shopDate(d.windowFrom, format.timeZone) === today)),
    [deliveries.data, format.timeZone, today],
  );

  // ETA and risk are dispatch's own, kept on its board: the same after a reload, and moving as riders move.
  const rows = board.map((d) => ({ delivery: d, eta: d.eta, risk: shownRisk(d) }));
  const geoOf = (d: Delivery) => (d.recipient && d.recipient !== 'erased' ? d.recipient.address.geo : undefined);
  const labelOf = (d: Delivery) => (d.recipient && d.recipient !== 'erased' ? `${d.recipient.name} · ${d.recipient.address.text}` : d.orderId.slice(0, 8));
  const shortLabel = (orderId: string) => {
    const d = board.find((b) => b.orderId === orderId);
    return d && d.recipient && d.recipient !== 'erased' ? d.recipient.name : orderId.slice(0, 8);
  };

  const stops: MapStop[] = rows.flatMap(({ delivery, risk }) => {
    const geo = geoOf(delivery);
    return geo ? [{ orderId: delivery.orderId, lat: geo.lat, lng: geo.lng, risk }] : [];
  });
  const mapRiders: MapRider[] = [...trails.entries()].map(([riderId, trail]) => ({ riderId, trail: trail.map((p) => [p.lng, p.lat] as [number, number]) }));
  const withoutPoint = rows.filter(({ delivery, risk }) => risk !== 'done' && !geoOf(delivery));
  const atRisk = rows.filter((r) => r.risk === 'at_risk');
  const late = rows.filter((r) => r.risk === 'late');
  const unassigned = rows.filter(({ delivery }) => ASSIGNABLE.has(delivery.status) && !delivery.riderId);

  const [assignNote, setAssignNote] = useState<string>();
  const assign = useMutation({
    mutationFn: ({ orderId, riderId }: { orderId: string; riderId: string }) =>
      data(
        api.dispatch.PUT('/deliveries/{orderId}/rider', {
          params: { path: { orderId }, header: { 'Idempotency-Key': idempotencyKey() } },
          body: { riderId },
        }),
      ),
    onSuccess: (decision) => {
      const words = { order: shortLabel(decision.orderId), rider: riderName(decision.riderId) };
      const said = decision.decision === 'already_assigned' ? t('dispatch.alreadyAssigned', words) : t('dispatch.assigned', words);
      setAssignNote([said, ...decision.warnings.map((w) => w.message)].join(' '));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['dispatch'] }),
  });

  return (
    <div className="dispatch">
      <h1>{t('dispatch.title')}</h1>
      <p className="muted">{t('dispatch.deliveries', { count: board.length })}</p>
      <ApiProblem error={deliveries.error} />
      <ApiProblem error={riders.error} />
      <ApiProblem error={plan.error} />

      <div className="dispatch-layout">
        <section className="dispatch-map-section" aria-labelledby="dispatch-map-heading">
          <h2 id="dispatch-map-heading" className="visually-hidden">
            {t('dispatch.map')}
          </h2>
          {config && !config.tileUrl && <p className="muted">{t('dispatch.plainMap')}</p>}
          {config && (
            <Suspense fallback={<p role="status">{t('dispatch.mapLoading')}</p>}>
              <DispatchMap
                riders={mapRiders}
                stops={stops}
                tileUrl={config.tileUrl}
                label={t('dispatch.mapLabel', { riders: mapRiders.length, stops: stops.length })}
              />
            </Suspense>
          )}
          <ul className="dispatch-legend" aria-label={t('dispatch.legend')}>
            {LEGEND.map((risk) => (
              <li key={risk}>
                <span className={`dispatch-swatch dispatch-swatch-${risk}`} style={{ background: RISK_COLOURS[risk] }} aria-hidden="true" />
                {t(`dispatch.risk.${risk}`)}
              </li>
            ))}
            <li>
              <span className="dispatch-swatch dispatch-swatch-rider" style={{ background: RIDER_COLOUR }} aria-hidden="true" />
              {t('dispatch.riderDot')}
            </li>
          </ul>
        </section>

        <div className="dispatch-side">
          <section aria-labelledby="dispatch-late">
            <h2 id="dispatch-late">
              {t('dispatch.late')} ({late.length})
            </h2>
            {late.length === 0 ? <p className="muted">{t('dispatch.noneLate')}</p> : <DeliveryList rows={late} riderName={riderName} labelOf={labelOf} />}
          </section>
          <section aria-labelledby="dispatch-at-risk">
            <h2 id="dispatch-at-risk">
              {t('dispatch.atRisk')} ({atRisk.length})
            </h2>
            {atRisk.length === 0 ? <p className="muted">{t('dispatch.noneAtRisk')}</p> : <DeliveryList rows={atRisk} riderName={riderName} labelOf={labelOf} />}
          </section>
          {withoutPoint.length > 0 && (
            <section aria-labelledby="dispatch-no-point">
              <h2 id="dispatch-no-point">
                {t('dispatch.noPoint')} ({withoutPoint.length})
              </h2>
              <p className="muted">{t('dispatch.noPointIntro')}</p>
              <ul className="dispatch-rows">
                {withoutPoint.map(({ delivery }) => (
                  <li key={delivery.orderId} className="dispatch-row" data-order-id={delivery.orderId} data-status={delivery.status}>
                    <strong className="problem">{t('dispatch.noPointFlag')}</strong> {labelOf(delivery)}{' '}
                    <Link to={`/orders/${delivery.orderId}`}>{t('dispatch.fixAddress')}</Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>

      <div className="dispatch-columns">
        <section aria-labelledby="dispatch-unassigned">
          <h2 id="dispatch-unassigned">
            {t('dispatch.unassigned')} ({unassigned.length})
          </h2>
          <p className="muted">{t('dispatch.unassignedIntro')}</p>
          {unassigned.length === 0 && <p>{t('dispatch.noneUnassigned')}</p>}
          <ul className="dispatch-rows">
            {unassigned.map(({ delivery, risk, eta }) => (
              <UnassignedRow
                key={delivery.orderId}
                delivery={delivery}
                risk={risk}
                eta={eta}
                label={labelOf(delivery)}
                riders={riderList}
                busy={assign.isPending}
                onAssign={(riderId) => assign.mutate({ orderId: delivery.orderId, riderId })}
              />
            ))}
          </ul>
          <div aria-live="polite">
            {assign.isSuccess && assignNote && <p role="status">{assignNote}</p>}
            {assign.error && (
              <p role="alert" className="problem">
                {refusalText(t, assign.error)}
              </p>
            )}
          </div>
        </section>

        <section aria-labelledby="dispatch-riders">
          <h2 id="dispatch-riders">{t('dispatch.riders')}</h2>
          <p className="muted">{t('dispatch.ridersIntro')}</p>
          {riders.data?.length === 0 && <p>{t('dispatch.noRiders')}</p>}
          <ul className="dispatch-riders">
            {riderList.map((rider) => (
              <RiderTarget
                key={rider.riderId}
                rider={rider}
                load={board.filter((d) => d.riderId === rider.riderId && d.status !== 'delivered').length}
                lastSeen={trails.get(rider.riderId)?.at(-1)?.recordedAt}
                onDropOrder={(orderId) => assign.mutate({ orderId, riderId: rider.riderId })}
              />
            ))}
          </ul>
        </section>

        <PlanPanel plan={plan.data} isPending={plan.isPending} board={board} riderName={riderName} knownRider={knownRider} orderLabel={shortLabel} />
      </div>
    </div>
  );
}

function DeliveryList({
  rows,
  riderName,
  labelOf,
}: {
  rows: Array<{ delivery: Delivery; eta?: string; risk: Risk }>;
  riderName: (riderId?: string) => string;
  labelOf: (d: Delivery) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <ul className="dispatch-rows">
      {rows.map(({ delivery, eta, risk }) => (
        <li
          key={delivery.orderId}
          className={`dispatch-row dispatch-risk-${risk}`}
          data-order-id={delivery.orderId}
          data-status={delivery.status}
          data-risk={risk}
        >
          <Link to={`/orders/${delivery.orderId}`}>{labelOf(delivery)}</Link>
          <span>{t('dispatch.window', { window: format.window({ from: delivery.windowFrom, to: delivery.windowTo }) })}</span>
          {delivery.deadline && <strong>{t('dispatch.deadline', { time: format.time(delivery.deadline) })}</strong>}
          {eta && <span>{t('dispatch.eta', { time: format.time(eta) })}</span>}
          {delivery.riskSince && <span>{t('dispatch.flaggedAt', { time: format.time(delivery.riskSince) })}</span>}
          <span>{riderName(delivery.riderId)}</span>
          <span className="badge">{t(`dispatch.status.${delivery.status}`, { defaultValue: delivery.status })}</span>
        </li>
      ))}
    </ul>
  );
}

function UnassignedRow(props: {
  delivery: Delivery;
  risk: Risk;
  eta?: string;
  label: string;
  riders: Rider[];
  busy: boolean;
  onAssign: (riderId: string) => void;
}) {
  const { delivery, risk, eta, label, riders, busy, onAssign } = props;
  const { t } = useTranslation();
  const format = useFormat();
  const [riderId, setRiderId] = useState('');
  const selectId = `assign-${delivery.orderId}`;
  return (
    <li
      className={`dispatch-row dispatch-draggable dispatch-risk-${risk}`}
      data-order-id={delivery.orderId}
      data-status={delivery.status}
      data-risk={risk}
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(DRAG_TYPE, delivery.orderId);
        event.dataTransfer.setData('text/plain', delivery.orderId);
        event.dataTransfer.effectAllowed = 'move';
      }}
    >
      <span className="dispatch-grip" aria-hidden="true">
        ⠿
      </span>
      <Link to={`/orders/${delivery.orderId}`}>{label}</Link>
      <span>{t('dispatch.window', { window: format.window({ from: delivery.windowFrom, to: delivery.windowTo }) })}</span>
      {eta && <span>{t('dispatch.eta', { time: format.time(eta) })}</span>}
      <span className="badge">{t(`dispatch.risk.${risk}`)}</span>
      <form
        className="dispatch-assign"
        onSubmit={(event) => {
          event.preventDefault();
          if (riderId) onAssign(riderId);
        }}
      >
        <label htmlFor={selectId}>{t('dispatch.assignTo')}</label>
        <select id={selectId} value={riderId} onChange={(e) => setRiderId(e.target.value)}>
          <option value="">{t('dispatch.chooseRider')}</option>
          {riders.map((r) => (
            <option key={r.riderId} value={r.riderId}>
              {r.name} · {t(`dispatch.availability.${r.availability}`)}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy || !riderId}>
          {t('dispatch.assign')}
        </button>
      </form>
    </li>
  );
}

function RiderTarget({ rider, load, lastSeen, onDropOrder }: { rider: Rider; load: number; lastSeen?: string; onDropOrder: (orderId: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [over, setOver] = useState(false);
  const accepts = (event: DragEvent) => event.dataTransfer.types.includes(DRAG_TYPE);
  return (
    <li
      className={`dispatch-rider${over ? ' is-over' : ''}`}
      data-rider-id={rider.riderId}
      data-availability={rider.availability}
      onDragOver={(event) => {
        if (!accepts(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        const orderId = event.dataTransfer.getData(DRAG_TYPE);
        if (orderId) onDropOrder(orderId);
      }}
    >
      <strong>{rider.name}</strong>
      <span className={`badge dispatch-availability-${rider.availability}`}>{t(`dispatch.availability.${rider.availability}`)}</span>
      <span>{t('dispatch.riderLoad', { count: load })}</span>
      <span className="muted">{lastSeen ? t('dispatch.lastSeen', { time: format.time(lastSeen) }) : t('dispatch.notSeen')}</span>
    </li>
  );
}

function PlanPanel({
  plan,
  isPending,
  board,
  riderName,
  knownRider,
  orderLabel,
}: {
  plan: Awaited<ReturnType<typeof latestPlan>> | undefined;
  isPending: boolean;
  board: Delivery[];
  riderName: (riderId?: string) => string;
  /** A rider's name, or nothing when the list does not have them. */
  knownRider: (riderId: string) => string | undefined;
  orderLabel: (orderId: string) => string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['dispatch'] });
  const propose = useMutation({
    mutationFn: () => data(api.dispatch.POST('/plans', { params: { header: { 'Idempotency-Key': idempotencyKey() } }, body: {} })),
    onSuccess: (proposed) => client.setQueryData(['dispatch', 'plan'], proposed),
    onSettled: refresh,
  });
  const apply = useMutation({
    mutationFn: (planId: string) =>
      data(api.dispatch.POST('/plans/{planId}/apply', { params: { path: { planId }, header: { 'Idempotency-Key': idempotencyKey() } }, body: {} })),
    onSettled: refresh,
  });
  const stops = (plan?.routes ?? []).flatMap((route) => route.trips.flatMap((trip) => trip.stops.map((stop) => ({ ...stop, riderId: route.riderId }))));
  const changes = planChanges(stops, new Map(board.map((d) => [d.orderId, d.riderId])));
  const busy = propose.isPending || apply.isPending;
  const error = propose.error ?? apply.error;
  const reason = planReason(plan?.trigger);

  return (
    <section aria-labelledby="dispatch-plan" className="dispatch-plan" data-plan-id={plan?.planId}>
      <h2 id="dispatch-plan">{t('dispatch.plan')}</h2>
      {isPending && <p role="status">{t('common.loading')}</p>}
      {plan === null && <p>{t('dispatch.noPlan')}</p>}
      {plan && (
        <>
          <p>
            {reason
              ? t('dispatch.proposedBecause', { time: format.time(plan.proposedAt), reason: planReasonText(reason, knownRider, t) })
              : t('dispatch.proposedAt', { time: format.time(plan.proposedAt) })}
            <br />
            <strong data-applied={plan.appliedAt ? 'true' : 'false'}>
              {plan.appliedAt
                ? plan.appliedAutomatically
                  ? t('dispatch.appliedAutomatically', { time: format.time(plan.appliedAt) })
                  : t('dispatch.appliedAt', { time: format.time(plan.appliedAt) })
                : t('dispatch.notApplied')}
            </strong>
          </p>
          <h3>{t('dispatch.changes')}</h3>
          <p className="muted">{t('dispatch.changesIntro')}</p>
          {changes.length === 0 ? (
            <p>{t('dispatch.noChanges')}</p>
          ) : (
            <ul className="dispatch-changes">
              {changes.map((c) => (
                <li key={c.orderId} data-order-id={c.orderId}>
                  {t('dispatch.change', { order: orderLabel(c.orderId), from: riderName(c.from), to: riderName(c.to) })}
                </li>
              ))}
            </ul>
          )}
          {plan.routes.map((route) => (
            <div key={route.riderId} className="dispatch-route">
              <h3>{t('dispatch.route', { rider: riderName(route.riderId) })}</h3>
              <ol>
                {route.trips.flatMap((trip) =>
                  trip.stops.map((stop) => (
                    <li key={stop.orderId} data-order-id={stop.orderId}>
                      {t('dispatch.stop', { order: orderLabel(stop.orderId), arrive: format.time(stop.arriveAt) })}
                    </li>
                  )),
                )}
              </ol>
            </div>
          ))}
          {plan.unplanned.length > 0 && (
            <>
              <h3>{t('dispatch.unplanned')}</h3>
              <ul>
                {plan.unplanned.map((u) => (
                  <li key={u.orderId} data-order-id={u.orderId}>
                    {t('dispatch.unplannedReason', { order: orderLabel(u.orderId), reason: u.reason })}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <div className="dispatch-plan-actions">
        {plan && (
          <button type="button" className="primary" disabled={busy} onClick={() => apply.mutate(plan.planId)}>
            {apply.isPending ? t('dispatch.working') : t('dispatch.apply')}
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => propose.mutate()}>
          {propose.isPending ? t('dispatch.working') : t('dispatch.propose')}
        </button>
      </div>
      <div aria-live="polite">
        {apply.data && (
          <div role="status">
            <p>
              {apply.data.appliedNow
                ? t('dispatch.applied', { requested: apply.data.requested.length, skipped: apply.data.skipped.length })
                : t('dispatch.appliedBefore')}
            </p>
            {apply.data.skipped.length > 0 && (
              <ul>
                {apply.data.skipped.map((s) => (
                  <li key={s.orderId}>{t('dispatch.skipped', { order: orderLabel(s.orderId), reason: s.reason })}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {error && (
          <p role="alert" className="problem">
            {refusalText(t, error)}
          </p>
        )}
      </div>
    </section>
  );
}
