import { sqlMigration } from '@petalpost/platform';

/**
 * The board counts each delivery's bouquets (the items' quantities of OrderPlaced), what a rider's
 * capacity is measured in. Rows placed before this count one.
 */
export const DeliveriesBouquets1764000001100 = sqlMigration('DeliveriesBouquets1764000001100', {
  up: [`ALTER TABLE deliveries ADD COLUMN bouquets integer NOT NULL DEFAULT 1`],
  down: [`ALTER TABLE deliveries DROP COLUMN bouquets`],
});
