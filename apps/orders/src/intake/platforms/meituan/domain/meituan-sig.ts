import { createHash, timingSafeEqual } from 'node:crypto';

/** A Meituan request's or push's parameters, by name, as plain (decoded) text. */
export type MeituanParams = Record<string, string>;

/**
 * What Meituan signs, for its open-API calls and for the pushes it sends us alike: the URL without
 * its query (scheme, host, path exactly as registered), `?`, every parameter except `sig` sorted by
 * name as `name=value` joined by `&` — values as they are, not URL-encoded — and the app secret
 * appended directly. Sources: easynet-cn/go-meituan `utility.go` (Sign), Code-Fly/MeituanAPI
 * `SigUtil.java`; the platform's own page was not reachable (docs/intake/meituan.md).
 */
export function meituanSignedText(url: string, params: MeituanParams, secret: string): string {
  const pairs = Object.keys(params)
    .filter((name) => name !== 'sig')
    // Both SDKs sort by the names' code units (Go's sort.Strings, Java's String.compareTo), not by locale.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${params[name]}`);
  return `${url}?${pairs.join('&')}${secret}`;
}

/** `sig`: the MD5 of the signed text (UTF-8), lowercase hex. */
export function meituanSig(url: string, params: MeituanParams, secret: string): string {
  return createHash('md5')
    .update(meituanSignedText(url, params, secret), 'utf8')
    .digest('hex');
}

const MD5_HEX = /^[0-9a-f]{32}$/i;

/**
 * Whether `given` signs `params` at `url` under any of `secrets` (the current one, and the previous
 * one while a rotation's grace lasts). Compared in constant time; every secret is tried, so the
 * time does not tell which matched. Hex case is not significant.
 */
export function meituanSigMatches(url: string, params: MeituanParams, given: string | undefined, secrets: readonly string[]): boolean {
  if (given === undefined || !MD5_HEX.test(given)) return false;
  const presented = Buffer.from(given.toLowerCase(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(Buffer.from(meituanSig(url, params, secret), 'hex'), presented)) matched = true;
  }
  return matched;
}
