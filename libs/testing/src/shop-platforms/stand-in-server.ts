import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received, as it arrived, and what the stand-in answered. */
export interface RecordedCall {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: string;
  status: number;
  /** Why the request was refused for not matching the platform's documented shape; absent when it matched. */
  refused?: string;
  /** True when the stand-in failed it on purpose (failNext). */
  injectedFailure?: boolean;
}

export interface StandInAnswer {
  status: number;
  body?: unknown;
  /** The body's exact text instead: JSON that JSON.stringify cannot write (Meituan's order ids, integers beyond 2^53). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** Set when the request did not match the platform's documented shape. */
  refused?: string;
}

/** A request that does not match a platform's documented shape: answered with the platform's own error status and body. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly body: unknown,
  ) {
    super(reason);
  }
}

export interface StandInRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StandInServer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  baseUrl: string;
  calls(): RecordedCall[];
  /**
   * The next `count` requests (of those `matching` picks, when given) are answered `status` (a 5xx
   * by default) before they are looked at.
   */
  failNext(count: number, status?: number, matching?: (request: StandInRequest) => boolean): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** A loopback HTTP server on a free port that records every request and answers it through `handle`. */
export async function startStandInServer(handle: (request: StandInRequest) => StandInAnswer): Promise<StandInServer> {
  const calls: RecordedCall[] = [];
  let failures: { count: number; status: number; matching?: (request: StandInRequest) => boolean } = { count: 0, status: 503 };

  const answer = (response: ServerResponse, result: StandInAnswer) => {
    const body = result.rawBody ?? (result.body === undefined ? '' : JSON.stringify(result.body));
    response.writeHead(result.status, { 'content-type': 'application/json; charset=UTF-8', ...result.headers }).end(body);
  };

  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const recorded: StandInRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      let result: StandInAnswer;
      let injectedFailure = false;
      if (failures.count > 0 && (!failures.matching || failures.matching(recorded))) {
        failures = { ...failures, count: failures.count - 1 };
        injectedFailure = true;
        result = { status: failures.status, body: { errors: 'Service temporarily unavailable (stand-in told to fail)' } };
      } else if (size > MAX_BODY_BYTES) {
        result = { status: 413, body: { errors: 'Request entity too large' }, refused: 'body over 1 MiB' };
      } else {
        try {
          result = handle(recorded);
        } catch (err) {
          if (!(err instanceof Refusal)) throw err;
          result = { status: err.status, body: err.body, refused: err.reason };
        }
      }
      calls.push({ ...recorded, status: result.status, refused: result.refused, injectedFailure: injectedFailure || undefined });
      answer(response, result);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    failNext: (count, status = 503, matching) => {
      failures = { count, status, matching };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A header's single value (Node joins repeated headers; the platforms send each once). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The media type of a Content-Type header, without parameters: "application/json". */
export function mediaType(headers: IncomingHttpHeaders): string | undefined {
  return header(headers, 'content-type')?.split(';')[0].trim().toLowerCase();
}
