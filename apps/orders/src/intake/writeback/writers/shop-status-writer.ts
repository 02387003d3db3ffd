import type { WritebackFacts, WritebackPlatform } from '../domain/writeback-plan';

/** Where a status goes: the connection's shop system and the order there, with the credentials opened for this attempt only. */
export type WritebackTarget =
  | { platform: 'shopify'; connectionId: string; shopDomain: string; accessToken: string; externalRef: string }
  | { platform: 'woocommerce'; connectionId: string; siteUrl: string; consumerKey: string; consumerSecret: string; externalRef: string };

export interface StatusToWrite {
  facts: WritebackFacts;
  /** The customer's tracking page, when the order has one to give. */
  trackingUrl?: string;
}

/**
 * The port: tells one shop system that one of its orders moved on. Resolves with a reference to
 * what was made there (a Shopify fulfillment's id), or throws a WritebackFailure.
 */
export interface ShopStatusWriter {
  readonly platform: WritebackPlatform;
  write(target: WritebackTarget, status: StatusToWrite, signal: AbortSignal): Promise<{ remoteRef?: string }>;
}

/**
 * A write-back that did not happen. `retryable`: the shop system may take it later (no answer, a
 * 5xx, 429 throttling); otherwise retrying the same request cannot help (wrong credentials, an
 * order the shop does not have) and the write-back is dead at once, for staff to fix and retry.
 */
export class WritebackFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'WritebackFailure';
  }
}

export const SHOP_STATUS_WRITERS = Symbol('SHOP_STATUS_WRITERS');

/** What of an answer is kept in lastError: enough to see what went wrong, never a credential (none is echoed). */
const EXCERPT_CHARS = 300;

/** One request to a shop system: JSON both ways, a time limit, and failures sorted into retryable or not. */
export async function shopRequest(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: unknown; timeoutMs: number; signal: AbortSignal; onHeaders?: (headers: Headers) => void },
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { Accept: 'application/json', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
      signal: AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WritebackFailure(`${init.method} ${new URL(url).pathname}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, true);
  }
  init.onHeaders?.(response.headers);
  const text = await response.text();
  if (!response.ok) {
    // 408, 425, 429 and 5xx may pass later; any other refusal will be refused again.
    const retryable = response.status >= 500 || [408, 425, 429].includes(response.status);
    throw new WritebackFailure(`${init.method} ${new URL(url).pathname}: HTTP ${response.status} ${text.slice(0, EXCERPT_CHARS)}`, retryable);
  }
  try {
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  } catch {
    throw new WritebackFailure(`${init.method} ${new URL(url).pathname}: answer is not JSON`, true);
  }
}
