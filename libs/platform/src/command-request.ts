import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiHeader, ApiOperation } from '@nestjs/swagger';
import type { Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import type { FastifyReply } from 'fastify';
import { ApiErrors } from './error-body';
import { IDEMPOTENCY_KEY_HEADER } from './idempotency-key';

/** What an HTTP request brings to a command: its caller, its Idempotency-Key and If-Match, and the reply its answer goes out on. */
export interface CommandRequest {
  principal: Principal;
  idempotencyKey?: string;
  ifMatch?: string;
  reply: FastifyReply;
}

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

/** A route parameter: the request as a command sees it (the reply is only written to, so Nest still sends the answer). */
export const CommandRequest = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandRequest => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CommandRequest used on a public route');
  return {
    principal: request.principal,
    idempotencyKey: single(request.headers[IDEMPOTENCY_KEY_HEADER]),
    ifMatch: single(request.headers['if-match']),
    reply: http.getResponse<FastifyReply>(),
  };
});

// The bootstrap hook already refuses an Idempotency-Key sent twice; If-Match is read once.
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export const IdempotencyKeyHeader = () =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });

export const IfMatchHeader = () => ApiHeader({ name: 'If-Match', required: false, description: 'The version (ETag) you saw; a stale one gets 412' });

/**
 * The documentation of a route that runs a command: what it does, that a retry with the same
 * Idempotency-Key is safe, and (with ifMatch, when the command is given the version seen) If-Match and its 412.
 */
export const ApiCommand = (summary: string, { ifMatch = false }: { ifMatch?: boolean } = {}) =>
  applyDecorators(ApiOperation({ summary }), IdempotencyKeyHeader(), ...(ifMatch ? [IfMatchHeader(), ApiErrors(412)] : []));

/**
 * An Idempotency-Key belongs to its caller: two callers (of any shops, or a customer's order)
 * choosing the same key never collide.
 */
export function callersIdempotencyKey(principal: Principal, key: string): string {
  return `${principal.role}:${principal.shopId ?? principal.orderId ?? ''}:${principal.sub}:${key}`;
}

/** If-Match as the stream version the caller saw: `"3"`, `W/"3"` or `3`. */
export function expectedVersionOf(request: Pick<CommandRequest, 'ifMatch'>): number | undefined {
  if (request.ifMatch === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(request.ifMatch.trim());
  if (!match) throw new DomainError('invalid', 'BAD_IF_MATCH', 'If-Match must be a version such as "3"');
  return Number(match[1]);
}

/** A command's answer: its version as the ETag, and whether it replays an earlier request with the same Idempotency-Key. */
export function answer<T>(request: Pick<CommandRequest, 'reply'>, result: { version: number; replayed: boolean }, body: T): T {
  void request.reply.header('etag', `"${result.version}"`);
  if (result.replayed) void request.reply.header('idempotent-replayed', 'true');
  return body;
}
