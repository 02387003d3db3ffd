import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformAccess } from '../platform-connector';
import { answerOf, type MeituanCall } from './domain/meituan-writeback';
import { type MeituanParams, meituanSig } from './domain/meituan-sig';

/** Meituan answers in well under a second; a call that hangs is retried later rather than holding the worker. */
const TIMEOUT_MS = 10_000;

/**
 * One signed call of Meituan's open API (`<origin>/api/v1/<path>`), as go-meituan's client makes it:
 * the system parameters `app_id`, `timestamp` (seconds), `access_token` (service-provider apps
 * only: the connection's credentials `accessToken`) and `sig` in the query; the application
 * parameters in the query for a GET, as a form body for a POST. `sig` covers them all.
 * Resolves with the answer's `data`; throws WritebackFailure, retryable or not (answerOf).
 */
export async function callMeituan(access: PlatformAccess, call: MeituanCall, signal: AbortSignal, nowMs: number): Promise<unknown> {
  const url = `${access.apiOrigin}/api/v1/${call.path}`;
  const system: MeituanParams = {
    app_id: access.appKey,
    timestamp: String(Math.floor(nowMs / 1000)),
    ...(access.credentials.accessToken ? { access_token: access.credentials.accessToken } : {}),
  };
  const sig = meituanSig(url, { ...call.params, ...system }, access.secret);
  const query = new URLSearchParams(call.method === 'GET' ? { ...call.params, ...system, sig } : { ...system, sig });
  let response: Response;
  try {
    response = await fetch(`${url}?${query}`, {
      method: call.method,
      headers: { Accept: 'application/json', ...(call.method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8' } : {}) },
      body: call.method === 'POST' ? new URLSearchParams(call.params).toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WritebackFailure(`Meituan ${call.path}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, true);
  }
  const answer = answerOf(response.status, await response.text());
  if (!answer.ok) throw new WritebackFailure(`Meituan ${call.path}: ${answer.message}`, answer.retryable);
  return answer.data;
}
