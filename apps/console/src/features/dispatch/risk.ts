/** How a delivery stands against its window, as the dispatcher's map and lists show it. */
export type Risk = 'late' | 'at_risk' | 'on_time' | 'no_eta' | 'done';

export interface RiskInput {
  status: string;
  windowTo: string;
  deadline?: string;
  /** The latest ETA known: dispatch's EtaUpdated, else the plan's arrival. */
  eta?: string;
  /** Dispatch flagged it (DeliveryAtRisk / DeliveryLate) for this window. */
  flagged?: 'at_risk' | 'late';
}

const FINISHED = new Set(['delivered', 'returned', 'cancelled', 'rejected']);

/**
 * Dispatch's own rules (docs/dispatch.md, "ETAs, at risk and late"), applied to what the API
 * gives: late once the window has closed undelivered; at risk when the ETA passes the window's
 * end minus the shop's margin, or a hard deadline; dispatch's own flags count as well, so the
 * screen never shows calmer than the service said.
 */
export function riskOf(input: RiskInput, marginMinutes: number, now: number): Risk {
  if (FINISHED.has(input.status)) return 'done';
  const windowEnd = Date.parse(input.windowTo);
  if (input.flagged === 'late' || now > windowEnd) return 'late';
  if (input.flagged === 'at_risk') return 'at_risk';
  if (!input.eta) return 'no_eta';
  const eta = Date.parse(input.eta);
  if (eta > windowEnd - marginMinutes * 60_000) return 'at_risk';
  if (input.deadline && eta > Date.parse(input.deadline)) return 'at_risk';
  return 'on_time';
}

export interface PlanChange {
  orderId: string;
  from?: string;
  to: string;
}

/**
 * What applying the plan would change: every planned stop whose rider differs from the rider the
 * board shows now (the result of the last applied plan and of every hand assignment since).
 */
export function planChanges(stops: Array<{ orderId: string; riderId: string }>, boardRiders: Map<string, string | undefined>): PlanChange[] {
  return stops.filter((s) => boardRiders.get(s.orderId) !== s.riderId).map((s) => ({ orderId: s.orderId, from: boardRiders.get(s.orderId), to: s.riderId }));
}
