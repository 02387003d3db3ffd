import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { checkWebhookUrl, isPrivateAddress } from './domain/webhook-url-policy';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** The resolver a webhook's host name is looked up with, once per attempt. */
export type ResolveHost = (host: string) => Promise<ResolvedAddress[]>;

/** The system's resolver, as Node's own connections use it (hosts file, then DNS). */
export const resolveWithSystem: ResolveHost = (host) => lookup(host, { all: true });

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Fires when the service stops: the attempt is abandoned and handed back, not counted. */
  stopSignal: AbortSignal;
  allowPrivateNetworks: boolean;
  resolve: ResolveHost;
}

export type SendOutcome = { kind: 'response'; status: number; excerpt: string } | { kind: 'error'; message: string } | { kind: 'interrupted' };

/** What of a failing receiver's answer is kept for the deliveries list: enough to see what went wrong. */
const EXCERPT_BYTES = 500;

/**
 * One POST. The host name is resolved once, every address it gave is checked (in production none
 * may be on our own network), and the request goes to the first of exactly those addresses, with
 * the URL's name kept as Host and as TLS server name: resolving again to connect would let a name
 * that changed in between (DNS rebinding) reach an address nobody checked. Redirects are not
 * followed (a 3xx is a failure): a redirect could lead to an address the URL policy refuses.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendOutcome> {
  const { url, body, headers, timeoutMs, stopSignal, allowPrivateNetworks, resolve } = request;
  const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(timeoutMs)]);
  let dispatcher: Agent | undefined;
  try {
    const target = await checkedTarget(url, allowPrivateNetworks, resolve);
    if ('refusal' in target) return { kind: 'error', message: target.refusal };
    dispatcher = new Agent({ connect: { lookup: onlyAddress(target) } });
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal, dispatcher });
    const excerpt = response.ok ? '' : await readExcerpt(response);
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'response', status: response.status, excerpt };
  } catch (err) {
    if (stopSignal.aborted) return { kind: 'interrupted' };
    if (signal.aborted) return { kind: 'error', message: `no answer within ${timeoutMs} ms` };
    return { kind: 'error', message: describeFetchError(err) };
  } finally {
    void dispatcher?.destroy().catch(() => undefined);
  }
}

/** The one address to connect to, or why there is none. */
async function checkedTarget(url: string, allowPrivateNetworks: boolean, resolve: ResolveHost): Promise<ResolvedAddress | { refusal: string }> {
  const verdict = checkWebhookUrl(url, { allowPrivateNetworks });
  if (!verdict.allowed) return { refusal: verdict.reason };
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  // A literal address was checked by the URL policy already.
  if (literal !== 0) return { address: host, family: literal };
  const addresses = await resolve(host);
  if (addresses.length === 0) return { refusal: `${host} has no address` };
  if (!allowPrivateNetworks) {
    const inside = addresses.find((a) => isPrivateAddress(a.address));
    if (inside) return { refusal: `${host} resolves to ${inside.address}, which is not a public address` };
  }
  return addresses[0];
}

/** A lookup for the connection that answers only the checked address, whatever name it is asked for. */
function onlyAddress(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    // With autoSelectFamily (Node's default) the socket asks for every address at once.
    if (options.all) (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
}

async function readExcerpt(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in its cause. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
