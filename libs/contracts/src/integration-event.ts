import { z } from 'zod';
import { ActorSchema } from './roles';

export const EventMetadataSchema = z.object({
  correlationId: z.string().min(1),
  causationId: z.string().min(1).optional(),
  actor: ActorSchema.optional(),
  occurredAt: z.iso.datetime({ offset: true }),
  /** W3C trace context of the request or message that caused the event. */
  traceparent: z.string().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

/**
 * The value of every message on an *.events topic. The key is `streamId`; the headers repeat
 * event id, type, schema version and correlation/causation ids (see libs/kafka).
 */
export const IntegrationEventSchema = z.object({
  eventId: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  /** The shop the event belongs to: the first filter of every visibility rule. */
  shopId: z.string().min(1),
  data: z.unknown(),
  metadata: EventMetadataSchema,
});
export type IntegrationEvent = z.infer<typeof IntegrationEventSchema>;

/** One type at one schema version, with upcasters from every older version. */
export interface EventContract<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  version: number;
  schema: TSchema;
  /** upcasters[n] turns version n's data into version n + 1's. */
  upcasters: Record<number, (data: unknown) => unknown>;
}

export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  type: TType,
  version: number,
  schema: TSchema,
  upcasters: Record<number, (data: unknown) => unknown> = {},
): EventContract<TType, TSchema> {
  for (let v = 1; v < version; v++) {
    if (!upcasters[v]) throw new Error(`${type} v${version} lacks an upcaster from v${v}`);
  }
  return { type, version, schema, upcasters };
}

/** What an integration event repeats of the logged event it publishes. */
export interface LoggedEvent {
  eventId: string;
  type: string;
  streamId: string;
  streamVersion: number;
  metadata: EventMetadata;
}

/**
 * Builds a producer's integration events from its logged events: the data is validated against
 * its type's contract and published at that contract's version, so what crosses Kafka is the
 * contract, never whatever the log holds. The shop is the data's own `shopId`. A type the
 * producer has no contract for is its bug, and throws rather than publish something unchecked.
 */
export function createEventEncoder(contracts: readonly EventContract[]) {
  const byType = new Map(contracts.map((c) => [c.type, c]));
  return function encode(logged: LoggedEvent, data: unknown): IntegrationEvent {
    const contract = byType.get(logged.type);
    if (!contract) throw new Error(`${logged.type} has no integration event contract here`);
    const valid = contract.schema.parse(data);
    const shopId = typeof valid === 'object' && valid !== null ? (valid as { shopId?: unknown }).shopId : undefined;
    if (typeof shopId !== 'string') throw new Error(`${logged.type} names no shop`);
    return {
      eventId: logged.eventId,
      type: logged.type,
      schemaVersion: contract.version,
      streamId: logged.streamId,
      streamVersion: logged.streamVersion,
      shopId,
      data: valid,
      metadata: logged.metadata,
    };
  };
}

export type DecodedEvent = { known: true; type: string; data: unknown; event: IntegrationEvent } | { known: false; type: string; event: IntegrationEvent };

/** A message that will never succeed however often it is retried: it belongs on a dead-letter topic. */
export class PoisonMessageError extends Error {
  constructor(
    message: string,
    readonly issues?: unknown,
  ) {
    super(message);
    this.name = 'PoisonMessageError';
  }
}

/**
 * Decodes raw message values into validated, upcast events. Unknown types are reported as such
 * (consumers ignore them: producers may be newer); anything malformed is poison.
 */
export function createEventDecoder(contracts: readonly EventContract[]) {
  const byType = new Map(contracts.map((c) => [c.type, c]));
  return function decode(raw: Buffer | string | null): DecodedEvent {
    let json: unknown;
    try {
      json = JSON.parse(String(raw ?? ''));
    } catch {
      throw new PoisonMessageError('message value is not JSON');
    }
    const envelope = IntegrationEventSchema.safeParse(json);
    if (!envelope.success) throw new PoisonMessageError('not an integration event envelope', envelope.error.issues);
    const event = envelope.data;
    const contract = byType.get(event.type);
    if (!contract) return { known: false, type: event.type, event };
    if (event.schemaVersion > contract.version) {
      throw new PoisonMessageError(`${event.type} schema version ${event.schemaVersion} is newer than known ${contract.version}`);
    }
    let data = event.data;
    for (let v = event.schemaVersion; v < contract.version; v++) data = contract.upcasters[v](data);
    const parsed = contract.schema.safeParse(data);
    if (!parsed.success) throw new PoisonMessageError(`${event.type} v${event.schemaVersion} violates its schema`, parsed.error.issues);
    return { known: true, type: event.type, data: parsed.data, event: { ...event, schemaVersion: contract.version, data: parsed.data } };
  };
}
