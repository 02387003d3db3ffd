import pino, { type Logger } from 'pino';
import { currentContext } from './request-context';

export type { Logger } from 'pino';

/**
 * JSON logs, one line per entry, each stamped with the service and, when there is one, the
 * correlation id of the request or message being handled.
 */
export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: requestForLog },
      mixin() {
        const ctx = currentContext();
        return ctx ? { correlationId: ctx.correlationId } : {};
      },
    },
    destination,
  );
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request fields, with secrets taken out of the URL (tracking links, invitations, stream tickets, tokens sent where they should not be). */
function requestForLog(req: LoggedRequest) {
  return { method: req.method, url: req.url && withoutTokens(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

const JWT_IN_PATH = /\/eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
const TOKEN_IN_QUERY = /([?&](?:access_token|token|ticket)=)[^&#]*/gi;
/** A tracking link is its path segment (/track/{link}, 43 base64url characters); its assets are not secrets. */
const TRACKING_LINK_IN_PATH = /\/track\/(?!assets\/)[A-Za-z0-9_-]{20,}/g;
/** An invitation's secret is its path segment (POST /invitations/{secret}/accept). */
const INVITATION_SECRET_IN_PATH = /\/invitations\/[^/?#]+\/accept/g;

/** A URL fit for logs: anything that looks like a token is replaced by "[redacted]". */
export function withoutTokens(url: string): string {
  return url
    .replace(JWT_IN_PATH, '/[redacted]')
    .replace(TRACKING_LINK_IN_PATH, '/track/[redacted]')
    .replace(TOKEN_IN_QUERY, '$1[redacted]')
    .replace(INVITATION_SECRET_IN_PATH, '/invitations/[redacted]/accept');
}
