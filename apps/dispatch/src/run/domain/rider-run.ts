import { type Arrivals, arrivalOf, type DeliveryRisk } from '../../deliveries/domain/delivery-risk';
import type { DeliveryStatus } from '../../deliveries/projections/delivery.entity';
import { endOfLocalDay } from '../../shared/domain/shop-clock';

/** One of the rider's open deliveries, as the board holds it. */
export interface RunDelivery {
  orderId: string;
  status: DeliveryStatus;
  windowFrom: Date;
  windowTo: Date;
}

/** Where the applied plan puts one of the rider's orders. */
export interface RunPlannedStop {
  planId: string;
  /** When the plan was applied (unknown for plans applied before it was kept). */
  appliedAt: Date | null;
  trip: number;
  seq: number;
}

export interface RunStop {
  orderId: string;
  status: DeliveryStatus;
  window: { from: string; to: string; timeZone: string };
  eta: string | null;
  risk: DeliveryRisk;
  riskSince: string | null;
  /** The applied plan's trip and stop in it (both from 1); null when the order is not on it. */
  trip: number | null;
  stop: number | null;
  /** The rider has the flowers (out for delivery); false while they wait at the shop. */
  carrying: boolean;
}

export interface RiderRun {
  riderId: string;
  shopId: string;
  /** The applied plan the run follows, and when it was applied; null when none of its stops is planned. */
  planId: string | null;
  plannedAt: string | null;
  asOf: string;
  stops: RunStop[];
}

export interface RunInput {
  rider: { shopId: string; riderId: string };
  /** The rider's open deliveries on the board. */
  deliveries: readonly RunDelivery[];
  /** The applied plan's stops of those orders that it gives to this rider. */
  planned: ReadonlyMap<string, RunPlannedStop>;
  arrivals: ReadonlyMap<string, Arrivals>;
  timeZone: string;
  now: Date;
}

/**
 * The rider's run today, in the order to ride it: first what they carry that the applied plan does
 * not place (the planner and the ETAs have them deliver it before coming back to the shop), by
 * window end as the ETAs ride it; then the applied plan's stops by trip and stop; then the rest
 * (assigned by hand or after the plan) by window start. Today is the shop's: windows starting
 * before its next local midnight, the overdue ones of earlier days included — and, late in the
 * evening, those of the next hours, so a stop at 00:10 does not vanish from the run at 23:55.
 */
/** How far ahead the run looks however late it is: a night rider's next stops are on it. */
export const RUN_LOOKAHEAD_MS = 6 * 3_600_000;

export function riderRun(input: RunInput): RiderRun {
  const { rider, planned, arrivals, timeZone, now } = input;
  const horizon = Math.max(endOfLocalDay(now.getTime(), timeZone), now.getTime() + RUN_LOOKAHEAD_MS);
  const today = input.deliveries.filter((d) => d.windowFrom.getTime() < horizon);

  const carriedOffPlan = today.filter((d) => !planned.has(d.orderId) && d.status === 'out_for_delivery').sort(byWindow('windowTo'));
  const onPlan = today
    .flatMap((d) => {
      const stop = planned.get(d.orderId);
      return stop ? [{ d, stop }] : [];
    })
    .sort((a, b) => a.stop.trip - b.stop.trip || a.stop.seq - b.stop.seq || a.d.orderId.localeCompare(b.d.orderId));
  const rest = today.filter((d) => !planned.has(d.orderId) && d.status !== 'out_for_delivery').sort(byWindow('windowFrom'));

  const plan = onPlan[0]?.stop;
  return {
    riderId: rider.riderId,
    shopId: rider.shopId,
    planId: plan?.planId ?? null,
    plannedAt: plan?.appliedAt?.toISOString() ?? null,
    asOf: now.toISOString(),
    stops: [...carriedOffPlan, ...onPlan.map((p) => p.d), ...rest].map((d) => {
      const stop = planned.get(d.orderId);
      const arrival = arrivalOf({ status: d.status, riderId: rider.riderId, windowTo: d.windowTo }, arrivals.get(d.orderId));
      return {
        orderId: d.orderId,
        status: d.status,
        window: { from: d.windowFrom.toISOString(), to: d.windowTo.toISOString(), timeZone },
        eta: arrival.eta ?? null,
        risk: arrival.risk,
        riskSince: arrival.riskSince ?? null,
        trip: stop?.trip ?? null,
        stop: stop?.seq ?? null,
        carrying: d.status === 'out_for_delivery',
      };
    }),
  };
}

function byWindow(edge: 'windowFrom' | 'windowTo') {
  return (a: RunDelivery, b: RunDelivery) => a[edge].getTime() - b[edge].getTime() || a.orderId.localeCompare(b.orderId);
}
