import { sqlMigration } from '@petalpost/platform';

/** The riders read model (riders.projection.ts): one row per rider, as their stream last said. */
export const Riders1764000000720 = sqlMigration('Riders1764000000720', {
  up: [
    `CREATE TABLE riders (
      rider_id           text PRIMARY KEY,
      shop_id            text NOT NULL,
      shop_ids           text[] NOT NULL,
      name               text NOT NULL,
      phone              text,
      vehicle_kind       text NOT NULL,
      capacity           integer NOT NULL,
      availability       text NOT NULL,
      availability_since timestamptz NOT NULL,
      version            integer NOT NULL
    )`,
    // Riders are listed by a shop they ride for, not only by the shop that owns their profile.
    `CREATE INDEX riders_shop_ids ON riders USING gin (shop_ids)`,
  ],
  down: [`DROP TABLE riders`],
});
