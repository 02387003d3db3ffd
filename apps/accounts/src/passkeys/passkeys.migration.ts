import { sqlMigration } from '@petalpost/platform';

export const Passkeys1781000000100 = sqlMigration('Passkeys1781000000100', {
  up: [
    // A passkey's public half: what verifies its signatures. The private key never leaves the authenticator.
    `CREATE TABLE passkeys (
      credential_id     text PRIMARY KEY,
      person_id         text NOT NULL,
      public_key        bytea NOT NULL,
      counter           bigint NOT NULL CHECK (counter >= 0),
      transports        text[] NOT NULL DEFAULT '{}',
      label             text NOT NULL,
      device_type       text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
      backed_up         boolean NOT NULL,
      aaguid            text NOT NULL,
      created_at        timestamptz NOT NULL,
      last_used_at      timestamptz,
      -- A signature counter that went backwards: a cloned authenticator may be in use.
      counter_regressed_at timestamptz
    )`,
    `CREATE INDEX passkeys_person_idx ON passkeys (person_id, created_at)`,
    // One row per ceremony under way; taken (deleted) by the first answer, whatever its outcome.
    `CREATE TABLE webauthn_challenges (
      challenge   text PRIMARY KEY,
      ceremony    text NOT NULL CHECK (ceremony IN ('registration', 'authentication')),
      person_id   text,
      expires_at  timestamptz NOT NULL,
      CHECK ((ceremony = 'registration') = (person_id IS NOT NULL))
    )`,
    `CREATE INDEX webauthn_challenges_expiry_idx ON webauthn_challenges (expires_at)`,
  ],
  down: [`DROP TABLE webauthn_challenges`, `DROP TABLE passkeys`],
});
