import { actorOf } from '@petalpost/auth';
import { callersIdempotencyKey, type CommandRequest, expectedVersionOf } from '@petalpost/platform';
import { type CommandCause, requestFingerprint } from './command-handler';

/**
 * The HTTP → command edge: what a request adds to a command. The caller is the actor; their
 * Idempotency-Key, scoped to them, names this request by its route and what it sent (a key reused
 * for another request is refused); with `ifMatch`, If-Match is the version the command expects.
 * The answer goes out through `answer()` with its ETag.
 */
export function fromRequest(
  request: CommandRequest,
  fingerprint: readonly unknown[],
  { ifMatch = false }: { ifMatch?: boolean } = {},
): CommandCause & { idempotency?: { key: string; fingerprint: string }; expectedVersion?: number } {
  const { principal, idempotencyKey } = request;
  return {
    actor: actorOf(principal),
    ...(idempotencyKey ? { idempotency: { key: callersIdempotencyKey(principal, idempotencyKey), fingerprint: requestFingerprint(...fingerprint) } } : {}),
    ...(ifMatch ? { expectedVersion: expectedVersionOf(request) } : {}),
  };
}
