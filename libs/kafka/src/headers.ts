import { randomBytes } from 'node:crypto';
import type { IntegrationEvent } from '@petalpost/contracts';
import type { IHeaders } from 'kafkajs';

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

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A W3C trace context starting a new trace (version 00, sampled). */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** The headers of an integration event; `traceparent` continues the caller's trace when given and valid. */
export function headersFor(event: IntegrationEvent, traceparent?: string): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADERS.eventId]: event.eventId,
    [HEADERS.eventType]: event.type,
    [HEADERS.schemaVersion]: String(event.schemaVersion),
    [HEADERS.correlationId]: event.metadata.correlationId,
    [HEADERS.traceparent]: traceparent && TRACEPARENT.test(traceparent) ? traceparent : newTraceparent(),
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
