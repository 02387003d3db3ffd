import { randomUUID } from 'node:crypto';
import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformAccess } from '../platform-connector';
import { formEncoded, resultOf, signedEnvelope } from './eleme-envelope';
import { parseElemeJson } from './eleme-pushes';
import { isRetryableRefusal } from './eleme-writeback';

/** One call to Ele.me's gateway at most this long (the write-back's own ORDERS_INTAKE_WRITEBACK_TIMEOUT_MS default). */
export const ELEME_CALL_TIMEOUT_MS = 15_000;
const EXCERPT_CHARS = 300;

export interface ElemeClock {
  now(): Date;
  ticket(): string;
}

export const SYSTEM_CLOCK: ElemeClock = { now: () => new Date(), ticket: () => randomUUID().toUpperCase() };

/**
 * One signed call to Ele.me 零售: a form-encoded POST of the envelope to the gateway's root
 * (`https://api-be.ele.me/`, the `me.ele.sdk.up` client), answered with an envelope whose body's
 * errno is 0, or not. Resolves with the body's `data`; throws WritebackFailure, retryable when it
 * may pass later (no answer, a 5xx, a busy gateway). The connection's `accessToken` credential, when
 * it has one (apps authorised by a shop), goes with every call.
 */
export async function callEleme(access: PlatformAccess, cmd: string, body: unknown, signal: AbortSignal, clock: ElemeClock = SYSTEM_CLOCK): Promise<unknown> {
  const params = signedEnvelope(
    {
      cmd,
      body,
      source: access.appKey,
      ticket: clock.ticket(),
      timestamp: Math.floor(clock.now().getTime() / 1000),
      ...(access.credentials.accessToken ? { accessToken: access.credentials.accessToken } : {}),
    },
    access.secret,
  );
  let response: Response;
  try {
    response = await fetch(`${access.apiOrigin}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8', Accept: 'application/json' },
      body: formEncoded(params),
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(ELEME_CALL_TIMEOUT_MS)]),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new WritebackFailure(`${cmd}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, true);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new WritebackFailure(
      `${cmd}: HTTP ${response.status} ${text.slice(0, EXCERPT_CHARS)}`,
      response.status >= 500 || [408, 425, 429].includes(response.status),
    );
  }
  let answer: unknown;
  try {
    answer = parseElemeJson(text);
  } catch {
    throw new WritebackFailure(`${cmd}: the answer is not JSON: ${text.slice(0, EXCERPT_CHARS)}`, true);
  }
  const result = resultOf(answer);
  if (result === undefined) throw new WritebackFailure(`${cmd}: the answer has no errno: ${text.slice(0, EXCERPT_CHARS)}`, true);
  if (result.errno !== 0) throw new WritebackFailure(`${cmd}: errno ${result.errno} ${result.error}`.slice(0, EXCERPT_CHARS), isRetryableRefusal(result));
  return result.data;
}
