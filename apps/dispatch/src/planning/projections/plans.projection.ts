import { logProjections, type Projection, type StoredEvent } from '@petalpost/event-store';
import type { EntityManager } from 'typeorm';
import type { PlanEvent, PlanProposal } from '../domain/plan.decider';

export const PLANNED_STOPS = 'planned_stops';
export const SHOP_PLANS = 'shop_plans';
export const DISPATCH_SETTINGS = 'dispatch_settings';

/**
 * The plans log as tables: the stops of each shop's applied plan (replaced whole when another is
 * applied), each shop's latest proposal, and its settings. Rebuildable from the log like any read model.
 * Reads the shops' settings streams and their plans streams of every day, in log order, so a day's
 * first plan simply replaces the last one of the day before.
 */
export const plansProjection: Projection = {
  name: 'plans',
  version: 1,
  tables: [PLANNED_STOPS, SHOP_PLANS, DISPATCH_SETTINGS],
  async handle(events, db, tables) {
    for (const stored of events) {
      if (!isPlanningStream(stored.streamId)) continue;
      await apply(db, tables, stored as StoredEvent & PlanEvent);
    }
  },
};

/** `dispatch-settings-<shopId>` and `plans-<shopId>-<YYYY-MM-DD>` (plan.decider.ts). */
function isPlanningStream(streamId: string): boolean {
  return streamId.startsWith('dispatch-settings-') || streamId.startsWith('plans-');
}

async function apply(db: EntityManager, tables: Record<string, string>, event: StoredEvent & PlanEvent): Promise<void> {
  switch (event.type) {
    case 'DispatchSettingsChanged': {
      const d = event.data;
      await db.query(
        `INSERT INTO ${tables[DISPATCH_SETTINGS]} (shop_id, auto_apply, at_risk_margin_minutes, service_minutes, depot_lat, depot_lng, time_zone, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (shop_id) DO UPDATE SET auto_apply = EXCLUDED.auto_apply, at_risk_margin_minutes = EXCLUDED.at_risk_margin_minutes,
           service_minutes = EXCLUDED.service_minutes, depot_lat = EXCLUDED.depot_lat, depot_lng = EXCLUDED.depot_lng, time_zone = EXCLUDED.time_zone,
           changed_at = EXCLUDED.changed_at`,
        [d.shopId, d.autoApply, d.atRiskMarginMinutes, d.serviceMinutes, d.depot?.lat ?? null, d.depot?.lng ?? null, d.timeZone ?? null, d.changedAt],
      );
      return;
    }
    case 'PlanProposed': {
      const d = event.data;
      await db.query(
        `INSERT INTO ${tables[SHOP_PLANS]} (shop_id, plan_id, plan, proposed_at, applied_at, applied_automatically) VALUES ($1, $2, $3, $4, NULL, NULL)
         ON CONFLICT (shop_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, plan = EXCLUDED.plan, proposed_at = EXCLUDED.proposed_at, applied_at = NULL, applied_automatically = NULL`,
        [d.shopId, d.planId, JSON.stringify(d), d.proposedAt],
      );
      return;
    }
    case 'PlanApplied': {
      const { shopId, planId, appliedAt, automatically } = event.data;
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count].
      const [applied] = await db.query<Array<{ plan: PlanProposal }>>(
        `WITH applied AS (UPDATE ${tables[SHOP_PLANS]} SET applied_at = $3, applied_automatically = $4 WHERE shop_id = $1 AND plan_id = $2 RETURNING plan)
         SELECT plan FROM applied`,
        [shopId, planId, appliedAt, automatically],
      );
      if (!applied) return;
      const plan = applied.plan;
      await db.query(`DELETE FROM ${tables[PLANNED_STOPS]} WHERE shop_id = $1`, [shopId]);
      const stops = plan.routes.flatMap((route) =>
        route.trips.flatMap((trip, t) => trip.stops.map((stop, s) => ({ ...stop, riderId: route.riderId, trip: t + 1, seq: s + 1 }))),
      );
      if (stops.length === 0) return;
      // An order is on one shop's plan at a time; should another shop's plan still hold it, the latest applied wins.
      await db.query(
        `INSERT INTO ${tables[PLANNED_STOPS]} (order_id, shop_id, plan_id, rider_id, trip, seq, arrive_at, window_from, window_to, applied_at)
         SELECT s.order_id, $1, $2, s.rider_id, s.trip, s.seq, s.arrive_at, s.window_from, s.window_to, $4
           FROM jsonb_to_recordset($3::jsonb) AS s(order_id text, rider_id text, trip int, seq int, arrive_at timestamptz, window_from timestamptz, window_to timestamptz)
         ON CONFLICT (order_id) DO UPDATE SET shop_id = EXCLUDED.shop_id, plan_id = EXCLUDED.plan_id, rider_id = EXCLUDED.rider_id, trip = EXCLUDED.trip,
           seq = EXCLUDED.seq, arrive_at = EXCLUDED.arrive_at, window_from = EXCLUDED.window_from, window_to = EXCLUDED.window_to, applied_at = EXCLUDED.applied_at`,
        [
          shopId,
          planId,
          JSON.stringify(
            stops.map((s) => ({
              order_id: s.orderId,
              rider_id: s.riderId,
              trip: s.trip,
              seq: s.seq,
              arrive_at: s.arriveAt,
              window_from: s.windowFrom,
              window_to: s.windowTo,
            })),
          ),
          appliedAt,
        ],
      );
      return;
    }
  }
}

/** Keeps the plans' read models from the log while the service runs. */
export const planningProjections = logProjections('PlanningProjections', () => [plansProjection]);
