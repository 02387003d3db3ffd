import { sqlMigration } from '@petalpost/platform';

/**
 * The access tokens' signing keys. At most one pending and one active key (two replicas rotating
 * at once cannot both activate one); the private half is sealed, and erased once the key retires.
 */
export const SigningKeys1768000000100 = sqlMigration('SigningKeys1768000000100', {
  up: [
    `CREATE TABLE signing_keys (
      kid                 text PRIMARY KEY,
      status              text NOT NULL CHECK (status IN ('pending', 'active', 'retiring', 'retired')),
      public_jwk          jsonb NOT NULL,
      sealed_private_jwk  text,
      created_at          timestamptz NOT NULL,
      activated_at        timestamptz,
      retiring_at         timestamptz,
      publish_until       timestamptz,
      retired_at          timestamptz,
      CHECK ((status IN ('pending', 'active')) = (sealed_private_jwk IS NOT NULL))
    )`,
    `CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (status) WHERE status = 'active'`,
    `CREATE UNIQUE INDEX signing_keys_one_pending ON signing_keys (status) WHERE status = 'pending'`,
  ],
  down: [`DROP TABLE signing_keys`],
});
