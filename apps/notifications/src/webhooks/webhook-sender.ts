import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { checkWebhookUrl, isPrivateAddress } from './domain/webhook-url-policy';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Fires when the service stops: the attempt is abandoned and handed back, not counted. */
  stopSignal: AbortSignal;
  allowPrivateNetworks: boolean;
}

export type SendOutcome =
  | { kind: 'response'; status: number; excerpt: string }
  | { kind: 'error'; message: string }
  | { kind: 'interrupted' };

/** What of a failing receiver's answer is kept for the deliveries list: enough to see what went wrong. */
const EXCERPT_BYTES = 500;

/**
 * One POST with Node's built-in fetch. Redirects are not followed (a 3xx is a failure): a redirect
 * could lead to an address the URL policy refuses. In production the name is resolved first and
 * refused when it points into our own network.
 */
export async function sendWebhook(request: WebhookRequest): Promise<SendOutcome> {
  const { url, body, headers, timeoutMs, stopSignal, allowPrivateNetworks } = request;
  const signal = AbortSignal.any([stopSignal, AbortSignal.timeout(timeoutMs)]);
  try {
    if (!allowPrivateNetworks) {
      const refusal = await privateTargetRefusal(url);
      if (refusal) return { kind: 'error', message: refusal };
    }
    const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
    const excerpt = response.ok ? '' : await readExcerpt(response);
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'response', status: response.status, excerpt };
  } catch (err) {
    if (stopSignal.aborted) return { kind: 'interrupted' };
    if (signal.aborted) return { kind: 'error', message: `no answer within ${timeoutMs} ms` };
    return { kind: 'error', message: describeFetchError(err) };
  }
}

async function privateTargetRefusal(url: string): Promise<string | undefined> {
  const verdict = checkWebhookUrl(url, { allowPrivateNetworks: false });
  if (!verdict.allowed) return verdict.reason;
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) return undefined;
  // A public name may point at a private address (or be changed to later): check what it resolves to now.
  const addresses = await lookup(host, { all: true });
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  return inside ? `${host} resolves to ${inside.address}, which is not a public address` : undefined;
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
