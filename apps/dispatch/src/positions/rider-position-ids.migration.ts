import { sqlMigration } from '@petalpost/platform';

/**
 * Each report's own id (a UUID the phone made), so a batch sent again after a lost answer is kept
 * once. Nullable: older callers send none, and rows kept before have none.
 */
export const RiderPositionIds1764000001500 = sqlMigration('RiderPositionIds1764000001500', {
  up: [
    `ALTER TABLE rider_position_trail ADD COLUMN position_id uuid`,
    `CREATE UNIQUE INDEX rider_position_trail_id ON rider_position_trail (shop_id, rider_id, position_id) WHERE position_id IS NOT NULL`,
  ],
  down: [`DROP INDEX rider_position_trail_id`, `ALTER TABLE rider_position_trail DROP COLUMN position_id`],
});
