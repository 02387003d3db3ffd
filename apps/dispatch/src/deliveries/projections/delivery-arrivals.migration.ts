import { sqlMigration } from '@petalpost/platform';

/**
 * What dispatch last predicted and flagged for each delivery (the projection `delivery-arrivals`),
 * so readers of the board get the ETA and the risk without replaying the log or the notifications.
 */
export const DeliveryArrivals1764000001300 = sqlMigration('DeliveryArrivals1764000001300', {
  up: [
    `CREATE TABLE delivery_arrivals (
      order_id      text PRIMARY KEY,
      shop_id       text NOT NULL,
      eta           timestamptz,
      eta_rider_id  text,
      at_risk_for   timestamptz,
      at_risk_since timestamptz,
      late_for      timestamptz,
      late_since    timestamptz,
      version       integer NOT NULL
    )`,
  ],
  down: [`DROP TABLE delivery_arrivals`],
});
