import { shopRequest, WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformAccess } from '../platform-connector';

/**
 * WeChat's server API for a store: an access token from `GET /cgi-bin/token?grant_type=client_credential&appid&secret`
 * (`{ access_token, expires_in }`, 7200 s), kept until shortly before it expires, and the store's calls
 * `POST {path}?access_token=…` with JSON, answered `{ errcode, errmsg, … }` (errcode 0: done).
 * The AppSecret is the connection's `credentials.appSecret`; the appid its appKey.
 */
export interface WechatApiOptions {
  timeoutMs?: number;
  now?: () => number;
}

/** The token was refused as invalid or expired (40001, 40014, 42001): made again once. */
const TOKEN_GONE = new Set([40001, 40014, 42001]);
/** WeChat busy (-1) or the call rate exceeded (45009): later may pass. */
const LATER = new Set([-1, 45009]);
const EARLY_MS = 5 * 60_000;

export class WechatApi {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(options: WechatApiOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 4_000;
    this.now = options.now ?? Date.now;
  }

  /** One call; the answer without errcode. Throws WritebackFailure with `errcode` on a refusal. */
  async call<T extends object>(access: PlatformAccess, path: string, body: unknown, signal: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const token = await this.token(access, signal);
      const { body: answer } = await shopRequest(`${access.apiOrigin}${path}?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: {},
        body,
        timeoutMs: this.timeoutMs,
        signal,
      });
      const result = (answer ?? {}) as T & { errcode?: number; errmsg?: string };
      const code = Number(result.errcode ?? 0);
      if (code === 0) return result;
      if (TOKEN_GONE.has(code) && attempt === 1) {
        this.tokens.delete(tokenKey(access));
        continue;
      }
      throw new WechatRefusal(path, code, result.errmsg ?? '', LATER.has(code));
    }
  }

  private async token(access: PlatformAccess, signal: AbortSignal): Promise<string> {
    const key = tokenKey(access);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt - EARLY_MS > this.now()) return cached.token;
    const secret = access.credentials.appSecret;
    if (!secret) throw new WritebackFailure('WeChat: the connection has no AppSecret to make an access token with', false);
    const query = new URLSearchParams({ grant_type: 'client_credential', appid: access.appKey, secret });
    const { body } = await shopRequest(`${access.apiOrigin}/cgi-bin/token?${query}`, { method: 'GET', headers: {}, timeoutMs: this.timeoutMs, signal });
    const answer = (body ?? {}) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string };
    if (!answer.access_token) {
      const code = Number(answer.errcode ?? 0);
      throw new WritebackFailure(`WeChat made no access token for ${access.appKey}: ${code} ${answer.errmsg ?? ''}`.trim(), LATER.has(code));
    }
    this.tokens.set(key, { token: answer.access_token, expiresAt: this.now() + (answer.expires_in ?? 7200) * 1000 });
    return answer.access_token;
  }
}

/** A call WeChat answered with an errcode: kept, so a caller can tell "already shipped" from a failure. */
export class WechatRefusal extends WritebackFailure {
  constructor(
    path: string,
    readonly errcode: number,
    readonly errmsg: string,
    retryable: boolean,
  ) {
    super(`${path}: errcode ${errcode} ${errmsg}`.trim(), retryable);
    this.name = 'WechatRefusal';
  }
}

function tokenKey(access: PlatformAccess): string {
  return `${access.apiOrigin} ${access.appKey}`;
}
