import { BlockList, isIP } from 'node:net';

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

const PRIVATE_RANGES: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this network"
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, and broadcast
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

// IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) are checked against the IPv4 ranges too.
const privateAddresses = new BlockList();
for (const [network, prefix, family] of PRIVATE_RANGES) privateAddresses.addSubnet(network, prefix, family);

/** True for loopback, private, link-local and other addresses that are not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address: ${address}`);
  return privateAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
