import type { DataSource, EntityManager } from 'typeorm';
import { PLANNED_STOPS } from './projections/plans.projection';

/** Where an order stands in the applied plan: its rider's trip, its place in it, and when the plan expects to arrive. */
export interface PlannedStop {
  trip: number;
  seq: number;
  arriveAt: Date;
}

/** The applied plan's stops of these orders, when the plan gives them to this rider. */
export async function plannedStopsOf(db: EntityManager | DataSource, riderId: string, orderIds: readonly string[]): Promise<Map<string, PlannedStop>> {
  const rows = await db.query<Array<{ order_id: string; trip: number; seq: number; arrive_at: Date }>>(
    `SELECT order_id, trip, seq, arrive_at FROM ${PLANNED_STOPS} WHERE rider_id = $1 AND order_id = ANY($2)`,
    [riderId, orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, { trip: r.trip, seq: r.seq, arriveAt: r.arrive_at }]));
}

/** The applied plan's stops of these orders that it gives to this rider, with the plan and when it was applied: the rider's run. */
export async function appliedPlanStopsOf(
  db: EntityManager | DataSource,
  riderId: string,
  orderIds: readonly string[],
): Promise<Map<string, PlannedStop & { planId: string; appliedAt: Date | null }>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.query<Array<{ order_id: string; plan_id: string; applied_at: Date | null; trip: number; seq: number; arrive_at: Date }>>(
    `SELECT order_id, plan_id, applied_at, trip, seq, arrive_at FROM ${PLANNED_STOPS} WHERE rider_id = $1 AND order_id = ANY($2)`,
    [riderId, orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, { planId: r.plan_id, appliedAt: r.applied_at, trip: r.trip, seq: r.seq, arriveAt: r.arrive_at }]));
}

/** Riders whose vehicle is reported broken and not yet back in service: left out of plans. */
export async function ridersWithBrokenVehicles(db: EntityManager | DataSource): Promise<string[]> {
  const rows = await db.query<Array<{ rider_id: string }>>(`SELECT rider_id FROM broken_vehicles WHERE until > now()`);
  return rows.map((r) => r.rider_id);
}
