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

/** Riders whose vehicle is reported broken and not yet back in service: left out of plans. */
export async function ridersWithBrokenVehicles(db: EntityManager | DataSource): Promise<string[]> {
  const rows = await db.query<Array<{ rider_id: string }>>(`SELECT rider_id FROM broken_vehicles WHERE until > now()`);
  return rows.map((r) => r.rider_id);
}
