import { sqlMigration } from '@petalpost/platform';

/**
 * Shops' API keys: the key (label, scopes, use counts), its secrets (only their SHA-256; two during a
 * rotation's grace), and each use.
 */
export const ApiKeys1768000000300 = sqlMigration('ApiKeys1768000000300', {
  up: [
    `CREATE TABLE api_keys (
      key_id        uuid PRIMARY KEY,
      shop_id       text NOT NULL,
      label         text NOT NULL,
      scopes        text[] NOT NULL,
      created_at    timestamptz NOT NULL,
      created_by    text NOT NULL,
      revoked_at    timestamptz,
      revoked_by    text,
      last_used_at  timestamptz,
      use_count     bigint NOT NULL DEFAULT 0
    )`,
    `CREATE INDEX api_keys_of_shop ON api_keys (shop_id, created_at)`,
    `CREATE TABLE api_key_secrets (
      secret_hash  bytea PRIMARY KEY,
      key_id       uuid NOT NULL REFERENCES api_keys ON DELETE CASCADE,
      hint         text NOT NULL,
      created_at   timestamptz NOT NULL,
      expires_at   timestamptz
    )`,
    `CREATE INDEX api_key_secrets_of_key ON api_key_secrets (key_id)`,
    `CREATE TABLE api_key_uses (
      key_id          uuid NOT NULL REFERENCES api_keys ON DELETE CASCADE,
      used_at         timestamptz NOT NULL,
      client_address  text NOT NULL
    )`,
    `CREATE INDEX api_key_uses_of_key ON api_key_uses (key_id, used_at)`,
  ],
  down: [`DROP TABLE api_key_uses`, `DROP TABLE api_key_secrets`, `DROP TABLE api_keys`],
});
