import { sqlMigration } from '@petalpost/platform';

export const Deliveries1764000000100 = sqlMigration('Deliveries1764000000100', {
  up: [
    `CREATE TABLE deliveries (
      order_id      text PRIMARY KEY,
      shop_id       text NOT NULL,
      status        text NOT NULL,
      window_from   timestamptz NOT NULL,
      window_to     timestamptz NOT NULL,
      order_version integer NOT NULL
    )`,
    `CREATE INDEX deliveries_shop_status ON deliveries (shop_id, status, window_from)`,
  ],
  down: [`DROP TABLE deliveries`],
});
