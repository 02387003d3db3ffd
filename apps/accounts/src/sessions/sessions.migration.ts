import { sqlMigration } from '@petalpost/platform';

/**
 * Sessions and their refresh tokens (only their SHA-256; one current per session, the rotated ones
 * kept to recognise a reuse), the sign-in throttle per account (its e-mail, known or not), and the
 * failed sign-ins, kept for the shops' owners to see and to slow an address down.
 */
export const Sessions1768000000200 = sqlMigration('Sessions1768000000200', {
  up: [
    `CREATE TABLE sessions (
      session_id       uuid PRIMARY KEY,
      person_id        text NOT NULL,
      acting_shop_id   text,
      acting_role      text NOT NULL,
      created_at       timestamptz NOT NULL,
      last_used_at     timestamptz NOT NULL,
      idle_expires_at  timestamptz NOT NULL,
      expires_at       timestamptz NOT NULL,
      client_address   text,
      user_agent       text,
      ended_at         timestamptz,
      end_reason       text
    )`,
    `CREATE INDEX sessions_of_person ON sessions (person_id, created_at) WHERE ended_at IS NULL`,
    `CREATE TABLE refresh_tokens (
      token_hash  bytea PRIMARY KEY,
      session_id  uuid NOT NULL REFERENCES sessions ON DELETE CASCADE,
      issued_at   timestamptz NOT NULL,
      rotated_at  timestamptz
    )`,
    `CREATE UNIQUE INDEX refresh_tokens_one_current ON refresh_tokens (session_id) WHERE rotated_at IS NULL`,
    `CREATE TABLE sign_in_accounts (
      account               text PRIMARY KEY,
      consecutive_failures  integer NOT NULL,
      last_failure_at       timestamptz NOT NULL,
      locked_at             timestamptz
    )`,
    `CREATE TABLE sign_in_failures (
      failure_id      bigserial PRIMARY KEY,
      at              timestamptz NOT NULL,
      account         text NOT NULL,
      person_id       text,
      shop_ids        text[] NOT NULL,
      client_address  text NOT NULL,
      user_agent      text,
      reason          text NOT NULL
    )`,
    `CREATE INDEX sign_in_failures_of_address ON sign_in_failures (client_address, at)`,
    `CREATE INDEX sign_in_failures_of_shop ON sign_in_failures USING gin (shop_ids)`,
  ],
  down: [`DROP TABLE sign_in_failures`, `DROP TABLE sign_in_accounts`, `DROP TABLE refresh_tokens`, `DROP TABLE sessions`],
});
