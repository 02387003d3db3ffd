import { sqlMigration } from '@petalpost/platform';

export const Attachments1764000000450 = sqlMigration('Attachments1764000000450', {
  up: [
    // One row per upload; the bytes are stored once per sha256 (content addressing).
    `CREATE TABLE attachments (
      id            uuid PRIMARY KEY,
      order_id      text NOT NULL,
      shop_id       text NOT NULL,
      purpose       text NOT NULL CHECK (purpose IN ('message', 'proof_of_delivery', 'damage')),
      uploader_role text NOT NULL,
      uploader      text NOT NULL,
      sha256        char(64) NOT NULL,
      format        text NOT NULL CHECK (format IN ('jpeg', 'png', 'webp')),
      width         integer NOT NULL,
      height        integer NOT NULL,
      bytes         integer NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX attachments_order_idx ON attachments (order_id, created_at)`,
    `CREATE INDEX attachments_sha256_idx ON attachments (sha256)`,
  ],
  down: [`DROP TABLE attachments`],
});
