import { sqlMigration } from '@petalpost/platform';

export const ShopIdentityProviders1781000000200 = sqlMigration('ShopIdentityProviders1781000000200', {
  up: [
    // One OpenID Connect provider per shop; its client secret sealed with the service's key-encryption key.
    `CREATE TABLE shop_identity_providers (
      shop_id              text PRIMARY KEY,
      issuer               text NOT NULL,
      client_id            text NOT NULL,
      client_secret_sealed text NOT NULL,
      -- Which claim says who the person is: their e-mail address, as verified by the provider.
      person_claim         text NOT NULL DEFAULT 'email' CHECK (person_claim IN ('email')),
      configured_by        text NOT NULL,
      configured_at        timestamptz NOT NULL
    )`,
    // A sign-in under way at a provider: taken (deleted) by the first callback that names its state.
    `CREATE TABLE oidc_sign_ins (
      state          text PRIMARY KEY,
      shop_id        text NOT NULL,
      code_verifier  text NOT NULL,
      nonce          text NOT NULL,
      requested_role text,
      expires_at     timestamptz NOT NULL
    )`,
    `CREATE INDEX oidc_sign_ins_expiry_idx ON oidc_sign_ins (expires_at)`,
  ],
  down: [`DROP TABLE oidc_sign_ins`, `DROP TABLE shop_identity_providers`],
});
