import { sqlMigration } from '@petalpost/platform';

/**
 * When the plan behind each planned stop was applied: a rider's run says which plan it follows and
 * since when. Stops kept before take it from the shop's latest plan when that is the applied one.
 */
export const PlannedStopsAppliedAt1764000001600 = sqlMigration('PlannedStopsAppliedAt1764000001600', {
  up: [
    `ALTER TABLE planned_stops ADD COLUMN applied_at timestamptz`,
    `UPDATE planned_stops ps SET applied_at = sp.applied_at FROM shop_plans sp WHERE sp.shop_id = ps.shop_id AND sp.plan_id = ps.plan_id`,
  ],
  down: [`ALTER TABLE planned_stops DROP COLUMN applied_at`],
});
