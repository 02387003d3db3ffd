import { sqlMigration } from '@petalpost/platform';

/**
 * Connections to the Chinese platforms (Meituan, Ele.me, Youzan, WeChat Store): the app key the
 * platform issued (`app_key`), the shop on the platform (`store_ref`: Meituan app_poi_code, Ele.me
 * shop_id, Youzan kdt_id) and how the shop's buyer notes are read (`rules`, overrides of the
 * defaults). The app secret (or WeChat's push Token) is the webhook secret; access tokens and
 * WeChat's AppSecret are the sealed credentials. A shop connects one store of one app once.
 */
export const IntakeConnectionsPlatforms1770000001000 = sqlMigration('IntakeConnectionsPlatforms1770000001000', {
  up: [
    `ALTER TABLE intake_connections DROP CONSTRAINT intake_connections_platform_check`,
    `ALTER TABLE intake_connections
       ADD CONSTRAINT intake_connections_platform CHECK (platform IN ('shopify', 'woocommerce', 'meituan', 'eleme', 'youzan', 'wechat')),
       ADD COLUMN app_key text NULL,
       ADD COLUMN store_ref text NULL,
       ADD COLUMN rules jsonb NULL,
       ADD CONSTRAINT intake_connections_app_key CHECK (platform IN ('shopify', 'woocommerce') OR app_key IS NOT NULL),
       ADD CONSTRAINT intake_connections_store_ref CHECK (platform NOT IN ('meituan', 'eleme', 'youzan') OR store_ref IS NOT NULL)`,
    `CREATE UNIQUE INDEX intake_connections_platform_store ON intake_connections (shop_id, platform, app_key, COALESCE(store_ref, '')) WHERE app_key IS NOT NULL`,
  ],
  down: [
    `DROP INDEX intake_connections_platform_store`,
    `DELETE FROM intake_connections WHERE platform NOT IN ('shopify', 'woocommerce')`,
    `ALTER TABLE intake_connections
       DROP CONSTRAINT intake_connections_store_ref,
       DROP CONSTRAINT intake_connections_app_key,
       DROP COLUMN rules,
       DROP COLUMN store_ref,
       DROP COLUMN app_key,
       DROP CONSTRAINT intake_connections_platform,
       ADD CONSTRAINT intake_connections_platform_check CHECK (platform IN ('shopify', 'woocommerce'))`,
  ],
});
