import { sqlMigration } from '@petalpost/platform';

/** Where each rider was last seen, and the trail behind them (kept RIDER_TRAIL_RETENTION_HOURS). */
export const RiderPositions1764000000600 = sqlMigration('RiderPositions1764000000600', {
  up: [
    `CREATE TABLE rider_latest_positions (
      shop_id     text NOT NULL,
      rider_id    text NOT NULL,
      lat         double precision NOT NULL,
      lng         double precision NOT NULL,
      accuracy    double precision NOT NULL,
      speed       double precision,
      heading     double precision,
      recorded_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (shop_id, rider_id)
    )`,
    `CREATE TABLE rider_position_trail (
      shop_id     text NOT NULL,
      rider_id    text NOT NULL,
      recorded_at timestamptz NOT NULL,
      lat         double precision NOT NULL,
      lng         double precision NOT NULL,
      accuracy    double precision NOT NULL,
      speed       double precision,
      heading     double precision,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (shop_id, rider_id, recorded_at)
    )`,
    // The retention sweep drops by arrival.
    `CREATE INDEX rider_position_trail_received ON rider_position_trail (received_at)`,
  ],
  down: [`DROP TABLE rider_position_trail`, `DROP TABLE rider_latest_positions`],
});
