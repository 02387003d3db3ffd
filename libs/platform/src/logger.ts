import pino, { type Logger } from 'pino';
import { currentContext } from './request-context';

export type { Logger } from 'pino';

/**
 * JSON logs, one line per entry, each stamped with the service and, when there is one, the
 * correlation id of the request or message being handled.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
    mixin() {
      const ctx = currentContext();
      return ctx ? { correlationId: ctx.correlationId } : {};
    },
  });
}
