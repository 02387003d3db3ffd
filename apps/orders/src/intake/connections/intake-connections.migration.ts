import { sqlMigration } from '@petalpost/platform';

/**
 * A shop's connections to its shop systems (Shopify, WooCommerce). Secrets are sealed (SecretBox,
 * AAD = connection id): the webhook secret, the previous one while a rotation's grace lasts, and
 * the write-back credentials. A Shopify store belongs to one connection: its domain is how a
 * delivery finds its shop.
 */
export const IntakeConnections1770000000100 = sqlMigration('IntakeConnections1770000000100', {
  up: [
    `CREATE TABLE intake_connections (
      connection_id              uuid PRIMARY KEY,
      shop_id                    text NOT NULL,
      platform                   text NOT NULL CHECK (platform IN ('shopify', 'woocommerce')),
      label                      text NOT NULL,
      shop_domain                text NULL,
      site_url                   text NULL,
      time_zone                  text NOT NULL,
      webhook_secret             bytea NOT NULL,
      previous_webhook_secret    bytea NULL,
      previous_secret_expires_at timestamptz NULL,
      secret_hint                text NOT NULL,
      credentials                bytea NULL,
      mapping                    jsonb NOT NULL DEFAULT '{}'::jsonb,
      enabled                    boolean NOT NULL DEFAULT true,
      created_at                 timestamptz NOT NULL DEFAULT now(),
      updated_at                 timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT intake_connections_shopify_domain CHECK (platform <> 'shopify' OR shop_domain IS NOT NULL),
      CONSTRAINT intake_connections_woocommerce_site CHECK (platform <> 'woocommerce' OR site_url IS NOT NULL)
    )`,
    `CREATE UNIQUE INDEX intake_connections_shop_domain ON intake_connections (shop_domain) WHERE shop_domain IS NOT NULL`,
    `CREATE INDEX intake_connections_shop ON intake_connections (shop_id, created_at)`,
  ],
  down: [`DROP TABLE intake_connections`],
});
