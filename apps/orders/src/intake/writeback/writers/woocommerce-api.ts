import { WritebackFailure } from './shop-status-writer';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * A REST API v3 address of a WooCommerce site. WooCommerce accepts the consumer key and secret as
 * HTTP Basic auth over HTTPS only (over plain HTTP it wants OAuth 1.0a signatures), and a key sent
 * in the clear is a key given away: a site that is not HTTPS is refused, loopback (a local
 * development site) excepted.
 */
export function wooCommerceApiUrl(siteUrl: string, path: string, query?: URLSearchParams): string {
  const site = new URL(siteUrl);
  if (site.protocol !== 'https:' && !(site.protocol === 'http:' && LOOPBACK_HOSTS.has(site.hostname))) {
    throw new WritebackFailure(`the WooCommerce site ${site.origin} is not served over HTTPS: its consumer key would travel in the clear`, false);
  }
  const base = site.href.endsWith('/') ? site.href : `${site.href}/`;
  const url = new URL(`wp-json/wc/v3/${path}`, base);
  if (query) url.search = query.toString();
  return url.toString();
}

export function wooCommerceAuthorization(credentials: { consumerKey: string; consumerSecret: string }): string {
  return `Basic ${Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`, 'utf8').toString('base64')}`;
}
