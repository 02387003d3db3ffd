import { type DeliveryStatus, OPEN_STATUSES } from '../projections/delivery.entity';

/** How a delivery stands against its window, as dispatch flagged it. */
export const DELIVERY_RISKS = ['on_time', 'at_risk', 'late'] as const;
export type DeliveryRisk = (typeof DELIVERY_RISKS)[number];

/** What dispatch last predicted and flagged for a delivery (the `delivery_arrivals` read model). */
export interface Arrivals {
  eta: Date | null;
  etaRiderId: string | null;
  atRiskFor: Date | null;
  atRiskSince: Date | null;
  lateFor: Date | null;
  lateSince: Date | null;
}

export interface ArrivalView {
  eta?: string;
  risk: DeliveryRisk;
  riskSince?: string;
}

/**
 * The ETA and risk of a delivery as the board shows it now. A flag holds for the window it was
 * raised for: a new window starts on time until dispatch flags it again (as the decider does).
 * Late outranks at risk. The ETA is the latest estimate of the rider who has the order now, and
 * only while it is still to be delivered: a former rider's ride, or a finished one, predicts nothing.
 */
export function arrivalOf(board: { status: DeliveryStatus; riderId: string | null; windowTo: Date }, arrivals: Arrivals | undefined): ArrivalView {
  const forThisWindow = (flaggedFor: Date | null) => flaggedFor !== null && flaggedFor.getTime() === board.windowTo.getTime();
  const eta =
    arrivals?.eta && board.riderId !== null && arrivals.etaRiderId === board.riderId && OPEN_STATUSES.includes(board.status)
      ? { eta: arrivals.eta.toISOString() }
      : {};
  if (arrivals && forThisWindow(arrivals.lateFor)) return { ...eta, risk: 'late', ...since(arrivals.lateSince) };
  if (arrivals && forThisWindow(arrivals.atRiskFor)) return { ...eta, risk: 'at_risk', ...since(arrivals.atRiskSince) };
  return { ...eta, risk: 'on_time' };
}

const since = (at: Date | null) => (at ? { riskSince: at.toISOString() } : {});
