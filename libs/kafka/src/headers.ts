import type { IntegrationEvent } from '@petalpost/contracts';
import { isTraceparent, newTraceparent } from '@petalpost/platform';
import type { IHeaders } from 'kafkajs';
import type { OutgoingMessage } from './event-publisher';

/** Header names every Petalpost message carries: consumers route, dedupe and log by them without parsing the value. */
export const HEADERS = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  traceparent: 'traceparent',
} as const;

/** Added when a message is parked on a dead-letter topic (its original headers are kept). */
export const DEAD_LETTER_HEADERS = {
  error: 'dlq-error',
  errorClass: 'dlq-error-class',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  failedAt: 'dlq-failed-at',
} as const;

export { newTraceparent };

/** What a command topic's message (`orders.commands`, `messaging.commands`) needs for its key and headers. */
export interface CommandForTopic {
  commandId: string;
  type: string;
  schemaVersion: number;
  orderId: string;
  metadata: { correlationId: string; causationId?: string; traceparent?: string };
}

/**
 * A command as the message that carries it: keyed by its order, so an order's commands stay in
 * order, with an event's headers (its id as event id; the trace it names, if any, continued).
 */
export function commandMessage(command: CommandForTopic): OutgoingMessage {
  const { metadata } = command;
  return {
    key: command.orderId,
    value: command,
    headers: {
      [HEADERS.eventId]: command.commandId,
      [HEADERS.eventType]: command.type,
      [HEADERS.schemaVersion]: String(command.schemaVersion),
      [HEADERS.correlationId]: metadata.correlationId,
      ...(metadata.causationId ? { [HEADERS.causationId]: metadata.causationId } : {}),
      ...(metadata.traceparent ? { [HEADERS.traceparent]: metadata.traceparent } : {}),
    },
  };
}

/**
 * The headers of an integration event. The trace continues from `traceparent` when given, else
 * from the trace that caused the event (its metadata), else a new one starts.
 */
export function headersFor(event: IntegrationEvent, traceparent?: string): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADERS.eventId]: event.eventId,
    [HEADERS.eventType]: event.type,
    [HEADERS.schemaVersion]: String(event.schemaVersion),
    [HEADERS.correlationId]: event.metadata.correlationId,
    [HEADERS.traceparent]: [traceparent, event.metadata.traceparent].find(isTraceparent) ?? newTraceparent(),
  };
  if (event.metadata.causationId) headers[HEADERS.causationId] = event.metadata.causationId;
  return headers;
}

/** Header values as strings; a header repeated by a producer counts with its last value, as Java's lastHeader(). */
export function readHeaders(message: { headers?: IHeaders }): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) headers[name] = value.toString();
  }
  return headers;
}
