import { sqlMigration } from '@petalpost/platform';

/**
 * Shops and people. The facts are in the service's log (EventStore1764000000000); here are what
 * must commit with them but stays out of the log — the sign-in table (unique e-mail, password hash),
 * the invitations' secret hashes to find a shop by, the invitation e-mails waiting to be sent —
 * and the read model behind the API and the people directory (people-directory projection).
 */
export const People1780000000000 = sqlMigration('People1780000000000', {
  up: [
    `CREATE TABLE person_sign_in (
      person_id     text PRIMARY KEY,
      email         text NOT NULL UNIQUE,
      password_hash text,
      updated_at    timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE invitation_secrets (
      secret_hash   text PRIMARY KEY,
      shop_id       text NOT NULL,
      invitation_id text NOT NULL
    )`,
    // The outbox of invitation e-mails: written with the invitation, sent after it committed. The
    // body carries the link (the secret) until it is sent, then it is cleared.
    `CREATE TABLE invitation_mails (
      invitation_id text PRIMARY KEY,
      shop_id       text NOT NULL,
      recipient     text NOT NULL,
      subject       text NOT NULL,
      body          text,
      created_at    timestamptz NOT NULL DEFAULT now(),
      sent_at       timestamptz,
      attempts      integer NOT NULL DEFAULT 0,
      last_error    text
    )`,
    `CREATE INDEX invitation_mails_unsent ON invitation_mails (created_at) WHERE sent_at IS NULL`,
    `CREATE TABLE people (
      person_id     text PRIMARY KEY,
      email         text NOT NULL,
      display_name  text NOT NULL,
      operator      boolean NOT NULL,
      registered_at timestamptz NOT NULL
    )`,
    `CREATE INDEX people_email ON people (email)`,
    `CREATE TABLE shops (
      shop_id    text PRIMARY KEY,
      name       text NOT NULL,
      time_zone  text NOT NULL,
      created_at timestamptz NOT NULL
    )`,
    `CREATE TABLE shop_members (
      shop_id     text NOT NULL,
      person_id   text NOT NULL,
      roles       text[] NOT NULL,
      owner       boolean NOT NULL,
      manage_team boolean NOT NULL,
      joined_at   timestamptz NOT NULL,
      removed_at  timestamptz,
      PRIMARY KEY (shop_id, person_id)
    )`,
    `CREATE INDEX shop_members_person ON shop_members (person_id) WHERE removed_at IS NULL`,
    `CREATE TABLE shop_invitations (
      invitation_id text PRIMARY KEY,
      shop_id       text NOT NULL,
      email         text,
      roles         text[] NOT NULL,
      status        text NOT NULL,
      expires_at    timestamptz NOT NULL,
      created_at    timestamptz NOT NULL,
      invited_by    text NOT NULL,
      accepted_by   text,
      accepted_at   timestamptz,
      revoked_at    timestamptz
    )`,
    `CREATE INDEX shop_invitations_pending ON shop_invitations (shop_id, created_at) WHERE status = 'pending'`,
  ],
  down: [
    `DROP TABLE shop_invitations`,
    `DROP TABLE shop_members`,
    `DROP TABLE shops`,
    `DROP TABLE people`,
    `DROP TABLE invitation_mails`,
    `DROP TABLE invitation_secrets`,
    `DROP TABLE person_sign_in`,
  ],
});

/**
 * A shop's currency (ISO 4217) in the read model. Shops created before it was recorded price in
 * euros, as their events (which carry none) are read; the list of every shop is newest first.
 */
export const ShopCurrency1782000000000 = sqlMigration('ShopCurrency1782000000000', {
  up: [
    `ALTER TABLE shops ADD COLUMN currency text NOT NULL DEFAULT 'EUR'`,
    `ALTER TABLE shops ALTER COLUMN currency DROP DEFAULT`,
    `CREATE INDEX shops_newest ON shops (created_at DESC, shop_id DESC)`,
  ],
  down: [`DROP INDEX shops_newest`, `ALTER TABLE shops DROP COLUMN currency`],
});
