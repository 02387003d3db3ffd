import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from '../sessions.service';

/** Where a request comes from, as the session and the throttle record it (the peer's address, or the client's as told by a proxy in TRUSTED_PROXIES). */
export const Client = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const userAgent = request.headers['user-agent'];
  return { address: request.ip, ...(userAgent ? { userAgent } : {}) };
});
