import { sqlMigration } from '@petalpost/platform';

/**
 * The shop's own riders on the road with Chinese platforms' orders (商家自配送): one row per order
 * of such a connection once it went out, naming its rider. Active (`ended_at` null) from pickup
 * until it is delivered, carded, failed, unassigned or cancelled; out again makes it active anew.
 * `last_position_at` is when the rider's phone took the position last told for this order: the
 * throttle that keeps the platform told at its rate.
 */
export const IntakeSelfDeliveries1770000001110 = sqlMigration('IntakeSelfDeliveries1770000001110', {
  up: [
    `CREATE TABLE intake_self_deliveries (
      order_id          uuid PRIMARY KEY,
      shop_id           text NOT NULL,
      connection_id     uuid NOT NULL,
      platform          text NOT NULL,
      external_ref      text NOT NULL,
      rider_id          text NOT NULL,
      started_at        timestamptz NOT NULL,
      ended_at          timestamptz NULL,
      ended_why         text NULL,
      last_position_at  timestamptz NULL
    )`,
    // The position consumer asks for a rider's orders on the road with every position.
    `CREATE INDEX intake_self_deliveries_active ON intake_self_deliveries (rider_id) WHERE ended_at IS NULL`,
  ],
  down: [`DROP TABLE intake_self_deliveries`],
});

/**
 * The riders as dispatch tells of them (RiderRegistered, RiderProfileUpdated on dispatch.events):
 * a platform shows the buyer the rider's name and phone, read from here when each status is
 * written, so a corrected phone reaches the platform with the next status.
 */
export const IntakeRiders1770000001120 = sqlMigration('IntakeRiders1770000001120', {
  up: [
    `CREATE TABLE intake_riders (
      rider_id    text PRIMARY KEY,
      name        text NOT NULL,
      phone       text NULL,
      updated_at  timestamptz NOT NULL
    )`,
  ],
  down: [`DROP TABLE intake_riders`],
});
