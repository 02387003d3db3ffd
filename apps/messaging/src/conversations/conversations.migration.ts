import { sqlMigration } from '@petalpost/platform';

export const Conversations1764000000200 = sqlMigration('Conversations1764000000200', {
  up: [
    `CREATE TABLE conversations (
      order_id  text PRIMARY KEY,
      shop_id   text NOT NULL,
      opened_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [`DROP TABLE conversations`],
});
