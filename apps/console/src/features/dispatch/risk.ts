/** How the dispatcher's map and lists colour a delivery. */
export type Risk = 'late' | 'at_risk' | 'on_time' | 'no_eta' | 'done';

const FINISHED = new Set(['delivered', 'returned', 'cancelled', 'rejected']);

/**
 * Dispatch's own risk for the delivery (GET /deliveries: as it flagged the current window), with
 * two things the map adds: finished deliveries are set apart, and an unflagged one without an ETA
 * says so instead of looking on time.
 */
export function shownRisk(delivery: { status: string; risk: 'on_time' | 'at_risk' | 'late'; eta?: string }): Risk {
  if (FINISHED.has(delivery.status)) return 'done';
  if (delivery.risk !== 'on_time') return delivery.risk;
  return delivery.eta ? 'on_time' : 'no_eta';
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
