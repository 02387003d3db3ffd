import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where webhooks may be sent. Only http(s), no credentials in the URL (they would end up in
 * logs; the signature is what authenticates us). In production nothing on our own network may
 * be a target: a shop could otherwise make us call internal services (SSRF). Elsewhere private
 * addresses are allowed, so a developer or a test can receive on 127.0.0.1.
 */

export interface UrlPolicy {
  allowPrivateNetworks: boolean;
}

export type UrlVerdict = { allowed: true; url: string } | { allowed: false; reason: string };

export const MAX_URL_LENGTH = 2048;

/**
 * Only addresses ipaddr.js calls plain `unicast` are public: its range table covers loopback,
 * private, link-local, unique-local, carrier-grade NAT, reserved, documentation, benchmarking,
 * multicast, Teredo and more. IPv6 addresses that carry an IPv4 address (IPv4-mapped and
 * -translated, ::/96, NAT64's 64:ff9b::/96, 6to4's 2002::/16) are judged by that IPv4 address,
 * since that is where a packet to them ends up.
 */
export function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 0) throw new Error(`not an IP address: ${address}`);
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') return ip.range() !== 'unicast';
  const embedded = embeddedIPv4(ip as ipaddr.IPv6);
  return (embedded ?? ip).range() !== 'unicast';
}

function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const bytes = ip.toByteArray();
  const range = ip.range();
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  const carriesLast32Bits = range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052' || bytes.slice(0, 12).every((b) => b === 0);
  return carriesLast32Bits ? new ipaddr.IPv4(bytes.slice(12, 16)) : undefined;
}

/** Names that resolve inside our own network: single labels (search domains) and reserved suffixes. */
function isInternalName(hostname: string): boolean {
  const name = hostname.replace(/\.$/, '');
  if (!name.includes('.')) return true;
  return ['localhost', 'local', 'internal', 'home.arpa'].some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

export function checkWebhookUrl(raw: string, policy: UrlPolicy): UrlVerdict {
  if (raw.length > MAX_URL_LENGTH) return { allowed: false, reason: `longer than ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { allowed: false, reason: 'only http and https URLs are allowed' };
  if (url.username || url.password) return { allowed: false, reason: 'credentials in the URL are not allowed: the signature authenticates us' };
  if (policy.allowPrivateNetworks) return { allowed: true, url: url.href };
  // The WHATWG parser already turned 0x7f000001, 2130706433 and 127.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0 ? isPrivateAddress(host) : isInternalName(host)) {
    return { allowed: false, reason: `${url.hostname} is not a public address` };
  }
  return { allowed: true, url: url.href };
}
