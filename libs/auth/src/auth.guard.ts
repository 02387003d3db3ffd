import { applyDecorators, type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { DomainError, type Role } from '@petalpost/contracts';
import type { Principal } from './principal';
import { bearerToken, TokenVerifier } from './token-verifier';

const IS_PUBLIC = 'petalpost:public';
const ALLOWED_ROLES = 'petalpost:roles';
const ALLOWED_SCOPES = 'petalpost:scopes';

/** The OpenAPI extension that marks a public operation; the service's document turns it into `security: []`. */
export const PUBLIC_OPERATION = 'x-petalpost-public';

/** Marks a route that needs no token (health, API docs, the customer's tracking link), in the guard and in the API document. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_OPERATION, true));

/** Restricts a route to these roles; other roles get 403 without touching any resource. */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/**
 * The scopes that let a scoped token (a shop system's API key, exchanged) call this route. A token
 * with scopes may call only routes that name one of them; a person's token has none and is unaffected.
 */
export const Scopes = (...scopes: string[]) => SetMetadata(ALLOWED_SCOPES, scopes);

interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  tokenExpiresAt?: Date;
}

/** The caller of this request, as authenticated by AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

/** When the caller's access token expires: what it grants (a stream ticket, say) must not outlive it. */
export const CurrentTokenExpiry = createParamDecorator((_: unknown, ctx: ExecutionContext): Date => {
  const expiresAt = ctx.switchToHttp().getRequest<AuthenticatedRequest>().tokenExpiresAt;
  if (!expiresAt) throw new Error('CurrentTokenExpiry used on a public route');
  return expiresAt;
});

/** Every HTTP route is authenticated unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenVerifier,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const { principal, expiresAt } = await this.tokens.verifyWithExpiry(bearerToken(request.headers.authorization));
    request.principal = principal;
    request.tokenExpiresAt = expiresAt;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new DomainError('forbidden', 'ROLE_NOT_ALLOWED', `role ${principal.role} may not do this`);
    }
    if (principal.scopes) {
      const scopes = this.reflector.getAllAndOverride<string[] | undefined>(ALLOWED_SCOPES, targets) ?? [];
      if (!scopes.some((scope) => principal.scopes?.includes(scope))) {
        throw new DomainError('forbidden', 'SCOPE_NOT_ALLOWED', `this route needs one of the scopes: ${scopes.join(', ') || '(none: people only)'}`);
      }
    }
    return true;
  }
}
