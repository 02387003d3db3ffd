import { z } from 'zod';
import { PoisonMessageError } from './integration-event';
import { ActorSchema } from './roles';

/** type → version → schema of a command's `data`. */
export type CommandContracts = Record<string, Record<number, z.ZodType>>;

/** The envelope every command topic carries (`orders.commands`, `messaging.commands`): one shape, its `type` one of `contracts`. */
export function commandEnvelopeSchema<C extends CommandContracts>(contracts: C) {
  const types = Object.keys(contracts) as [keyof C & string, ...Array<keyof C & string>];
  return z.object({
    /** Unique per command: a redelivered or resent command is applied once. */
    commandId: z.uuid(),
    type: z.enum(types),
    schemaVersion: z.number().int().positive(),
    orderId: z.string().min(1),
    /** The shop the sender believes the order belongs to; a mismatch is refused. */
    shopId: z.string().min(1),
    data: z.unknown(),
    metadata: z.object({
      correlationId: z.string().min(1),
      causationId: z.string().min(1).optional(),
      actor: ActorSchema,
      issuedAt: z.iso.datetime({ offset: true }),
      traceparent: z.string().optional(),
    }),
  });
}

/**
 * Decodes a raw value of a command topic against its envelope and the schema of its type and
 * version; anything malformed is poison (dead-lettered, never retried).
 */
export function decodeCommand<C extends CommandContracts>(
  raw: Buffer | string | null,
  contracts: C,
  envelopeSchema: ReturnType<typeof commandEnvelopeSchema<C>>,
  topicLabel: string,
): z.infer<typeof envelopeSchema> {
  let json: unknown;
  try {
    json = JSON.parse(String(raw ?? ''));
  } catch {
    throw new PoisonMessageError('command value is not JSON');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new PoisonMessageError(`not ${topicLabel} command envelope`, envelope.error.issues);
  const { type, schemaVersion } = envelope.data;
  const schema = contracts[type][schemaVersion];
  if (!schema) throw new PoisonMessageError(`${type} has no schema version ${schemaVersion}`);
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) throw new PoisonMessageError(`${type} v${schemaVersion} violates its schema`, data.error.issues);
  return { ...envelope.data, data: data.data };
}
