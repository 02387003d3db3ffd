import type { DataSource, EntityManager } from 'typeorm';
import { PLANNED_STOPS } from './plans.projection';

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
