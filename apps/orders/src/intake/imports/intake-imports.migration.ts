import { sqlMigration } from '@petalpost/platform';

/**
 * CSV imports: the uploaded file itself in chunks of at most a mebibyte, each sealed under the
 * intake's key (any replica can run or resume the import, and deleting the upload is a DELETE),
 * the import's progress, and one report row per record of the file (outcome, order number and
 * reason, never a person's details). The chunks go once the import is done or expires.
 */
export const IntakeImports1770000000400 = sqlMigration('IntakeImports1770000000400', {
  up: [
    `CREATE TABLE intake_imports (
      import_id        uuid PRIMARY KEY,
      shop_id          text NOT NULL,
      created_by       text NOT NULL,
      status           text NOT NULL CHECK (status IN ('uploading', 'uploaded', 'running', 'finished', 'failed', 'expired')),
      source           text NOT NULL,
      time_zone        text NOT NULL,
      bytes            bigint NOT NULL DEFAULT 0,
      headers          jsonb NULL,
      settings         jsonb NULL,
      rows_total       integer NULL,
      rows_done        integer NOT NULL DEFAULT 0,
      imported         integer NOT NULL DEFAULT 0,
      duplicates       integer NOT NULL DEFAULT 0,
      rejected         integer NOT NULL DEFAULT 0,
      needs_attention  integer NOT NULL DEFAULT 0,
      last_line        integer NOT NULL DEFAULT 0,
      error            text NULL,
      created_at       timestamptz NOT NULL DEFAULT now(),
      started_at       timestamptz NULL,
      finished_at      timestamptz NULL,
      expires_at       timestamptz NOT NULL,
      lease_until      timestamptz NULL
    )`,
    `CREATE INDEX intake_imports_shop ON intake_imports (shop_id, created_at DESC)`,
    `CREATE INDEX intake_imports_running ON intake_imports (lease_until) WHERE status = 'running'`,
    `CREATE TABLE intake_import_chunks (
      import_id uuid NOT NULL REFERENCES intake_imports (import_id) ON DELETE CASCADE,
      seq       integer NOT NULL,
      bytes     bytea NOT NULL,
      PRIMARY KEY (import_id, seq)
    )`,
    `CREATE TABLE intake_import_rows (
      import_id    uuid NOT NULL REFERENCES intake_imports (import_id) ON DELETE CASCADE,
      line         integer NOT NULL,
      outcome      text NOT NULL CHECK (outcome IN ('imported', 'duplicate', 'rejected', 'needs_attention')),
      external_ref text NULL,
      reason       text NULL,
      order_id     uuid NULL,
      intake_id    uuid NULL,
      PRIMARY KEY (import_id, line)
    )`,
  ],
  down: [`DROP TABLE intake_import_rows`, `DROP TABLE intake_import_chunks`, `DROP TABLE intake_imports`],
});
