import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Ele.me 零售 (api-be.ele.me) speaks one envelope both ways: every API call we make, every push it
 * sends us and every answer to either is the same set of parameters — `cmd`, `body` (a JSON
 * string), `source` (the app key), `ticket` (a UUID), `timestamp` (Unix seconds), `version` 3,
 * `encrypt`, an optional `access_token` — signed with `sign`. Facts from public integrations, not
 * Ele.me's own pages (docs/intake/eleme.md): meiquan `Libraries/Ele/Api/Tool.php`, the
 * `me.ele.sdk.up` Java client's `SignUtil`.
 */
export type ElemeParams = Record<string, string>;

export const ELEME_API_VERSION = '3';

/** What an answer's `body` holds: errno 0 is success, anything else a refusal named by `error`. */
export interface ElemeResult<T = unknown> {
  errno: number;
  error: string;
  data: T;
}

/**
 * The signature: every parameter but `sign` itself, with `secret=<the app secret>` added, sorted
 * by name, joined as `k=v` with `&` (values as sent, the body not URL-encoded), MD5 over the UTF-8
 * bytes, upper-case hex.
 */
export function elemeSign(params: ElemeParams, secret: string): string {
  const signed: ElemeParams = { ...params, secret };
  delete signed.sign;
  const canonical = Object.keys(signed)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${signed[name]}`)
    .join('&');
  return createHash('md5').update(canonical, 'utf8').digest('hex').toUpperCase();
}

/**
 * Whether the envelope is signed by any of `secrets` (the current one, and the previous one while
 * a rotation's grace lasts). Compared in constant time; every secret is tried.
 */
export function verifyElemeSign(params: ElemeParams, secrets: readonly string[]): boolean {
  const given = params.sign;
  if (given === undefined || !/^[0-9A-Fa-f]{32}$/.test(given)) return false;
  const givenBytes = Buffer.from(given.toUpperCase(), 'utf8');
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(Buffer.from(elemeSign(params, secret), 'utf8'), givenBytes)) matched = true;
  }
  return matched;
}

export interface EnvelopeFields {
  cmd: string;
  /** Sent as its JSON text, exactly as signed. */
  body: unknown;
  source: string;
  ticket: string;
  /** Unix seconds. */
  timestamp: number;
  accessToken?: string;
  /** Ele.me's transport encryption of the body: empty for none, the only kind we send. */
  encrypt?: string;
}

/** A signed request or push envelope, its parameters ready to be sent form-encoded. */
export function signedEnvelope(fields: EnvelopeFields, secret: string): ElemeParams {
  const params: ElemeParams = {
    cmd: fields.cmd,
    body: JSON.stringify(fields.body),
    source: fields.source,
    ticket: fields.ticket,
    timestamp: String(fields.timestamp),
    version: ELEME_API_VERSION,
    encrypt: fields.encrypt ?? '',
  };
  if (fields.accessToken !== undefined) params.access_token = fields.accessToken;
  params.sign = elemeSign(params, secret);
  return params;
}

/** `application/x-www-form-urlencoded`, the way Ele.me's gateway takes a call. */
export function formEncoded(params: ElemeParams): string {
  return new URLSearchParams(params).toString();
}

/**
 * The parameters of a received envelope: form-encoded (how Ele.me pushes, verify), or a JSON object
 * of them (some integrations post JSON). A JSON `body` that is an object, not its text, cannot be
 * checked against a signature made over text, so it is refused as not an envelope.
 */
export function envelopeParams(raw: Buffer | string): ElemeParams | undefined {
  const text = (typeof raw === 'string' ? raw : raw.toString('utf8')).trim();
  if (text === '') return undefined;
  if (text.startsWith('{') || text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const params: ElemeParams = {};
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === 'string') params[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
      else if (value === null) params[name] = '';
      else return undefined;
    }
    return params;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/**
 * The answer to a push or call: a JSON envelope `resp.<cmd>`, its `body` the result's JSON text
 * (as meiquan's callback answers; verify whether Ele.me also takes the body as an object). Signed
 * when the secret is known; a refusal before the connection is known goes unsigned.
 */
export function answerEnvelope(
  request: { cmd?: string; source?: string; ticket?: string },
  result: ElemeResult,
  timestamp: number,
  secret: string | undefined,
): string {
  const params: ElemeParams = {
    body: JSON.stringify(result),
    cmd: `resp.${request.cmd ?? ''}`,
    source: request.source ?? '',
    ticket: request.ticket ?? '',
    timestamp: String(timestamp),
    version: ELEME_API_VERSION,
  };
  if (secret !== undefined) params.sign = elemeSign(params, secret);
  return JSON.stringify(params);
}

/**
 * The result inside an answer envelope: its `body` as JSON text (answers to pushes) or as an object
 * (the API's answers, as public clients read them: `$result['body']['errno']`).
 */
export function resultOf(answer: unknown): ElemeResult | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  let body = (answer as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { errno, error, data } = body as { errno?: unknown; error?: unknown; data?: unknown };
  const number = typeof errno === 'number' ? errno : typeof errno === 'string' && /^-?\d+$/.test(errno) ? Number(errno) : undefined;
  if (number === undefined) return undefined;
  return { errno: number, error: typeof error === 'string' ? error : '', data };
}
