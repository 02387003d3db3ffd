import { DEAD_LETTER_HEADERS, HEADERS, MAX_DEAD_LETTER_ERROR_LENGTH } from '@petalpost/kafka';

export type Schema = Record<string, unknown>;

/** The pattern libs/platform checks a traceparent against. */
const TRACEPARENT = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

/**
 * The headers every event and command carries (libs/kafka's HEADERS): consumers route, dedupe and
 * log by them without parsing the value. An event always carries a trace; a command when its sender
 * had one.
 */
export function envelopeHeaders(kind: 'event' | 'command'): Schema {
  return {
    type: 'object',
    required: [HEADERS.eventId, HEADERS.eventType, HEADERS.schemaVersion, HEADERS.correlationId, ...(kind === 'event' ? [HEADERS.traceparent] : [])],
    properties: {
      [HEADERS.eventId]: {
        type: 'string',
        format: 'uuid',
        description: 'The id of the event (`eventId`) or command (`commandId`): a consumer applies each once',
      },
      [HEADERS.eventType]: { type: 'string', description: 'Its type (`type` of the value)' },
      [HEADERS.schemaVersion]: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description: 'The schema version of the value (`schemaVersion`), in decimal',
      },
      [HEADERS.correlationId]: { type: 'string', description: 'Shared by everything that followed from one request' },
      [HEADERS.causationId]: { type: 'string', description: 'The event or command that caused it, when there was one' },
      [HEADERS.traceparent]: { type: 'string', pattern: TRACEPARENT, description: 'W3C trace context; the consumer continues the trace' },
    },
  };
}

/** A rider position carries only the correlation id of the request that reported it. */
export function positionHeaders(): Schema {
  return {
    type: 'object',
    properties: { [HEADERS.correlationId]: { type: 'string', description: 'The request that reported the position, when there was one' } },
  };
}

/** What a consumer adds when it parks a message on its dead-letter topic (libs/kafka's deadLetterOf); the original headers stay. */
export function deadLetterHeaders(): Schema {
  return {
    type: 'object',
    required: Object.values(DEAD_LETTER_HEADERS),
    properties: {
      [DEAD_LETTER_HEADERS.error]: {
        type: 'string',
        maxLength: MAX_DEAD_LETTER_ERROR_LENGTH,
        description: 'The error message, cut short: search by class and origin',
      },
      [DEAD_LETTER_HEADERS.errorClass]: { type: 'string', description: 'The error class, e.g. `PoisonMessageError`' },
      [DEAD_LETTER_HEADERS.originalTopic]: { type: 'string', description: 'Where the message was read' },
      [DEAD_LETTER_HEADERS.originalPartition]: { type: 'string', pattern: '^[0-9]+$', description: 'Its partition there' },
      [DEAD_LETTER_HEADERS.originalOffset]: { type: 'string', pattern: '^[0-9]+$', description: 'Its offset there' },
      [DEAD_LETTER_HEADERS.failedAt]: { type: 'string', format: 'date-time', description: 'When it was parked' },
    },
    additionalProperties: { type: 'string', description: 'The original headers, as they came' },
  };
}

/** The headers of one type at one version: the shared headers, `component`, with its type and version as constants. */
export function typedHeaders(component: string, message: { type: string; version: number }): Schema {
  return {
    type: 'object',
    allOf: [
      { $ref: `#/components/schemas/${component}` },
      { properties: { [HEADERS.eventType]: { const: message.type }, [HEADERS.schemaVersion]: { const: String(message.version) } } },
    ],
  };
}
