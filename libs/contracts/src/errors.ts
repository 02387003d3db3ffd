import { z } from 'zod';

/**
 * What kind of refusal a rule made; each edge maps a kind to its protocol
 * (HTTP: invalid 400, unauthenticated 401, forbidden 403, not_found 404, conflict 409, precondition_failed 412, too_large 413, too_many 429).
 */
export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'precondition_failed' | 'too_large' | 'too_many';

/** A refusal with a stable machine-readable code, thrown by rules and mapped at the edges. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The one shape of every error body the HTTP APIs return. */
export const ErrorBodySchema = z.object({
  code: z.string().meta({ example: 'ORDER_ALREADY_DELIVERED' }),
  message: z.string(),
  correlationId: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
