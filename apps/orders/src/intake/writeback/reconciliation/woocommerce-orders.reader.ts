import { shopRequest } from '../writers/shop-status-writer';
import { wooCommerceApiUrl, wooCommerceAuthorization } from '../writers/woocommerce-api';

/** The most WooCommerce gives per page. */
const PER_PAGE = 100;
/** A site answering more pages than this for one check is read on at the next check. */
const MAX_PAGES = 50;

/** WooCommerce's own date format, in GMT (with dates_are_gmt=true): 2026-12-07T10:15:00. */
export function wooCommerceDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/**
 * Every order of a WooCommerce site modified after a moment, through the REST API v3, page by
 * page (`X-WP-TotalPages`). Ordered by id, which a modification does not move, so a page never
 * shifts under the reader while the shop keeps selling.
 */
export async function* ordersModifiedAfter(
  site: { siteUrl: string; consumerKey: string; consumerSecret: string },
  modifiedAfter: Date,
  options: { timeoutMs: number; signal: AbortSignal },
): AsyncGenerator<unknown[]> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    const query = new URLSearchParams({
      modified_after: wooCommerceDate(modifiedAfter),
      dates_are_gmt: 'true',
      per_page: String(PER_PAGE),
      page: String(page),
      orderby: 'id',
      order: 'asc',
    });
    const { body, totalPages } = await listPage(wooCommerceApiUrl(site.siteUrl, 'orders', query), wooCommerceAuthorization(site), options);
    if (!Array.isArray(body)) throw new Error('the order list is not a JSON array');
    yield body;
    if (page >= totalPages || body.length === 0) return;
  }
}

async function listPage(
  url: string,
  authorization: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<{ body: unknown; totalPages: number }> {
  let totalPages = 1;
  const { body } = await shopRequest(url, {
    method: 'GET',
    headers: { Authorization: authorization },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onHeaders: (headers) => {
      totalPages = Number(headers.get('x-wp-totalpages') ?? '1') || 1;
    },
  });
  return { body, totalPages };
}
