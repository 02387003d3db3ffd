import { sqlMigration } from '@petalpost/platform';

/**
 * Riding for a shop takes that shop's approval: the riders read model keeps the shops offered a
 * rider apart from those they ride for. Nobody approved the shops named before, so every shop but
 * the owner becomes an offer — as the rider's stream now reads those events too.
 */
export const RidersPendingShops1764000001200 = sqlMigration('RidersPendingShops1764000001200', {
  up: [
    `ALTER TABLE riders ADD COLUMN pending_shop_ids text[] NOT NULL DEFAULT '{}'`,
    `CREATE INDEX riders_pending_shop_ids ON riders USING gin (pending_shop_ids)`,
    `UPDATE riders SET pending_shop_ids = ARRAY(SELECT s FROM unnest(shop_ids) AS s WHERE s <> shop_id), shop_ids = ARRAY[shop_id]`,
  ],
  down: [`ALTER TABLE riders DROP COLUMN pending_shop_ids`],
});
