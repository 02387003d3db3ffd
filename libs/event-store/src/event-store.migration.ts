import { sqlMigration } from '@petalpost/platform';

/**
 * The log of one service, in that service's schema (search_path). Rows are never updated or
 * deleted: the database refuses it, so no code path can rewrite history.
 */
export const EventStore1764000000000 = sqlMigration('EventStore1764000000000', {
  up: [
    `CREATE TABLE streams (
      stream_id   text PRIMARY KEY,
      stream_type text NOT NULL,
      version     integer NOT NULL CHECK (version > 0),
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE SEQUENCE events_global_position_seq AS bigint`,
    `CREATE TABLE events (
      stream_id       text NOT NULL,
      stream_version  integer NOT NULL CHECK (stream_version > 0),
      global_position bigint NOT NULL DEFAULT nextval('events_global_position_seq'),
      -- Commit order: readers only take rows of transactions older than every open one.
      transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
      event_id        uuid NOT NULL UNIQUE,
      type            text NOT NULL,
      schema_version  integer NOT NULL DEFAULT 1,
      data            jsonb NOT NULL,
      metadata        jsonb NOT NULL,
      recorded_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, stream_version)
    )`,
    `CREATE UNIQUE INDEX events_global_position ON events (global_position)`,
    `CREATE INDEX events_commit_order ON events (transaction_id, global_position)`,
    `CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END $$`,
    `CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_are_append_only()`,
    `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only()`,
    `CREATE TABLE idempotency_keys (
      idempotency_key text PRIMARY KEY,
      fingerprint     text NOT NULL,
      stream_id       text NOT NULL,
      stream_version  integer NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE checkpoints (
      processor_id text PRIMARY KEY,
      last_tx      xid8 NOT NULL DEFAULT '0',
      last_pos     bigint NOT NULL DEFAULT 0,
      updated_at   timestamptz NOT NULL DEFAULT now()
    )`,
  ],
  down: [
    `DROP TABLE checkpoints, idempotency_keys`,
    `DROP TRIGGER events_no_truncate ON events`,
    `DROP TRIGGER events_no_update_or_delete ON events`,
    `DROP TABLE events, streams`,
    `DROP FUNCTION events_are_append_only`,
    `DROP SEQUENCE events_global_position_seq`,
  ],
});
