import type { Provider } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ShopEtaSettings } from '../eta/eta-tracker';
import { PlannedStopsAppliedAt1764000001600 } from './projections/planned-stops-applied-at.migration';
import { Planning1764000000700 } from './projections/planning.migration';
import { Planner } from './planner';
import { planningProjections } from './projections/plans.projection';
import { planningTriggersConsumer, Replanner, replanning } from './replanner';
import { routeSolverProviders } from './route-solver.provider';

export { PlansController } from './api/plans.controller';

/** Auto-dispatch's providers, for the dispatch module (they need its EventStore). */
export const planningProviders: Provider[] = [...routeSolverProviders, Planner, planningProjections, Replanner, replanning, planningTriggersConsumer];

/** Auto-dispatch's migrations, in order. */
export const planningMigrations: Array<new () => object> = [Planning1764000000700, PlannedStopsAppliedAt1764000001600];

/** A shop's own ETA settings, as the plans projection keeps them (nothing for a shop never configured). */
export async function shopSettingsFromPlanning(shopId: string, db: EntityManager): Promise<Partial<ShopEtaSettings>> {
  const [row] = await db.query<
    Array<{ at_risk_margin_minutes: number; service_minutes: number; depot_lat: number | null; depot_lng: number | null; time_zone: string | null }>
  >(`SELECT at_risk_margin_minutes, service_minutes, depot_lat, depot_lng, time_zone FROM dispatch_settings WHERE shop_id = $1`, [shopId]);
  if (!row) return {};
  return {
    atRiskMarginMinutes: row.at_risk_margin_minutes,
    serviceMinutes: row.service_minutes,
    ...(row.depot_lat !== null && row.depot_lng !== null ? { depot: { lat: row.depot_lat, lng: row.depot_lng } } : {}),
    ...(row.time_zone ? { timeZone: row.time_zone } : {}),
  };
}
