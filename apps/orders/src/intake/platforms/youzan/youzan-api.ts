import { shopRequest, WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformAccess } from '../platform-connector';

/**
 * Youzan's open API (youzanyun): `POST {origin}/api/{method}/{version}?access_token=…` with a JSON
 * body (youzan/open-sdk-php `HttpConfig`, `Http::post`). A business answer is
 * `{ success, code, message, data }`; the gateway answers a bad token with
 * `{ gw_err_resp: { err_code, err_msg } }` (4202 expired, 4203 unknown — seen in integrations, verify).
 *
 * The token is the connection's `credentials.accessToken` when the shop gave one (a tool app's
 * token, or one made in the console); otherwise it is made by the self-use app's silent flow
 * (自用型应用, open-sdk-php `Token::getSelfAppToken`): `POST {origin}/auth/token`
 * `{ authorize_type: "silent", client_id, client_secret, grant_id: kdt_id, refresh: false }` →
 * `{ success, data: { access_token, expires } }`, valid about seven days, kept here until it expires.
 */
export interface YouzanApiOptions {
  timeoutMs?: number;
  now?: () => number;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens made by the silent flow are dropped this long before Youzan says they expire. */
const EARLY_MS = 5 * 60_000;
const TOKEN_GONE = new Set([4202, 4203]);

export class YouzanApi {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: YouzanApiOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Calls one API; its `data`. Throws WritebackFailure, retryable when Youzan may take it later. */
  async call<T>(access: PlatformAccess, method: string, version: string, params: unknown, signal: AbortSignal): Promise<T> {
    const own = access.credentials.accessToken;
    for (let attempt = 1; ; attempt++) {
      const token = own ?? (await this.silentToken(access, signal));
      const url = `${access.apiOrigin}/api/${method}/${version}?access_token=${encodeURIComponent(token)}`;
      const { body } = await shopRequest(url, { method: 'POST', headers: {}, body: params ?? {}, timeoutMs: this.timeoutMs, signal });
      const answer = (body ?? {}) as { success?: boolean; code?: number; message?: string; data?: T; gw_err_resp?: { err_code?: number; err_msg?: string } };
      const gateway = answer.gw_err_resp;
      if (gateway) {
        if (TOKEN_GONE.has(Number(gateway.err_code)) && own === undefined && attempt === 1) {
          // A token made here and dropped by Youzan early (a new one made elsewhere, a refresh): make one again, once.
          this.tokens.delete(tokenKey(access));
          continue;
        }
        throw new WritebackFailure(
          `${method}: Youzan refused the call (${gateway.err_code} ${gateway.err_msg ?? ''})${own !== undefined && TOKEN_GONE.has(Number(gateway.err_code)) ? ': give the connection a new access token' : ''}`.trim(),
          false,
        );
      }
      if (answer.success !== true) {
        // Youzan's system errors (verify the codes) may pass; a refusal of what we asked will not.
        const retryable = Number(answer.code) >= 500 && Number(answer.code) < 600;
        throw new WritebackFailure(`${method}: ${answer.code ?? 'no code'} ${answer.message ?? 'not successful'}`, retryable);
      }
      return answer.data as T;
    }
  }

  /**
   * Decrypts the shop's encrypted values in one call: `youzan.cloud.secret.decrypt.batch` 1.0.0
   * `{ sources: [...] }` → `data`, a map from each source to its plain text (verify; a list in
   * the order asked is read too). Values Youzan leaves out stay encrypted (and are dropped after).
   */
  async decrypt(access: PlatformAccess, sources: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
    if (sources.length === 0) return new Map();
    const data = await this.call<unknown>(access, 'youzan.cloud.secret.decrypt.batch', '1.0.0', { sources }, signal);
    const plain = new Map<string, string>();
    if (Array.isArray(data)) {
      data.forEach((value, i) => {
        if (typeof value === 'string' && sources[i] !== undefined) plain.set(sources[i], value);
      });
    } else if (typeof data === 'object' && data !== null) {
      for (const [source, value] of Object.entries(data)) if (typeof value === 'string') plain.set(source, value);
    }
    return plain;
  }

  private async silentToken(access: PlatformAccess, signal: AbortSignal): Promise<string> {
    const key = tokenKey(access);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EARLY_MS > this.now()) return cached.token;
    if (!access.storeRef) throw new WritebackFailure('Youzan: the connection has neither an access token nor a shop id (kdt_id) to make one with', false);
    const { body } = await shopRequest(`${access.apiOrigin}/auth/token`, {
      method: 'POST',
      headers: {},
      body: { authorize_type: 'silent', client_id: access.appKey, client_secret: access.secret, grant_id: access.storeRef, refresh: false },
      timeoutMs: this.timeoutMs,
      signal,
    });
    const answer = (body ?? {}) as { success?: boolean; code?: number; message?: string; data?: { access_token?: string; expires?: number } };
    const token = answer.data?.access_token;
    if (answer.success !== true || !token) {
      throw new WritebackFailure(`Youzan made no access token for shop ${access.storeRef}: ${answer.code ?? ''} ${answer.message ?? ''}`.trim(), false);
    }
    this.tokens.set(key, { token, expiresAt: expiryOf(answer.data?.expires, this.now()) });
    return token;
  }
}

function tokenKey(access: PlatformAccess): string {
  return `${access.apiOrigin} ${access.appKey} ${access.storeRef ?? ''}`;
}

/** `expires`: the instant in milliseconds (verify); a small number is read as seconds from now; none, a day. */
function expiryOf(expires: number | undefined, now: number): number {
  if (expires === undefined || !Number.isFinite(expires)) return now + 86_400_000;
  if (expires > 1e12) return expires;
  if (expires > 1e9) return expires * 1000;
  return now + expires * 1000;
}
