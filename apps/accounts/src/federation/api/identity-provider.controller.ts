import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Public, Roles } from '@petalpost/auth';
import { ApiErrors } from '@petalpost/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import { Client, type ClientInfo, SessionTokens } from '../../sessions';
import { IdentityProvidersService } from '../identity-providers.service';
import { OidcSignInService } from '../oidc-sign-in.service';
import { ConfigureIdentityProviderBody, IdentityProviderView, OidcCallbackQuery, OidcStartQuery } from './federation.dto';

/** A shop chain's own identity provider, chosen by the shop's owner or an operator. */
@ApiTags('identity providers')
@Controller('shops/:shopId/identity-provider')
export class IdentityProviderController {
  constructor(private readonly providers: IdentityProvidersService) {}

  @Put()
  @Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
  @ApiOperation({ summary: "Sign the shop's people in through this OpenID Connect provider (its discovery document is read now; the secret is sealed)" })
  @ApiErrors(400, 401, 403, 404, 409)
  @ZodResponse({ status: 200, type: IdentityProviderView })
  configure(@Param('shopId') shopId: string, @Body() body: ConfigureIdentityProviderBody, @CurrentPrincipal() principal: Principal) {
    return this.providers.configure(principal, shopId, body);
  }

  @Get()
  @Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
  @ApiOperation({ summary: "The shop's identity provider (without its secret) and the redirect URI to register there" })
  @ApiErrors(401, 403, 404)
  @ZodResponse({ status: 200, type: IdentityProviderView })
  view(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    return this.providers.view(principal, shopId);
  }

  @Delete()
  @HttpCode(204)
  @Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
  @ApiOperation({ summary: "Stop signing in through the shop's provider (sessions already open run their course)" })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiErrors(401, 403, 404)
  async remove(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    await this.providers.remove(principal, shopId);
  }
}

/** Signing in through the shop's provider: the browser is sent there and comes back to the callback. */
@ApiTags('sessions')
@Controller('sessions/oidc')
export class OidcSignInController {
  constructor(private readonly signIns: OidcSignInService) {}

  @Get(':shopId/start')
  @Public()
  @ApiOperation({ summary: "Start signing in through the shop's identity provider: a redirect to its authorization endpoint (code flow, PKCE, state, nonce)" })
  @ApiResponse({ status: 302, description: "To the provider's authorization endpoint" })
  @ApiErrors(400, 401, 404)
  async start(@Param('shopId') shopId: string, @Query() query: OidcStartQuery, @Res() reply: FastifyReply) {
    const url = await this.signIns.start(shopId, query.role);
    void reply.header('cache-control', 'no-store').redirect(url.href, 302);
  }

  @Get('callback')
  @Public()
  @ApiOperation({
    summary:
      "Where the provider sends the browser back: the code is exchanged, the ID token verified, its verified e-mail mapped to a member of the shop. Answers the session's tokens as JSON, like a password sign-in",
  })
  @ApiErrors(400, 401, 403, 404)
  @ZodResponse({ status: 200, type: SessionTokens })
  callback(@Query() _query: OidcCallbackQuery, @Req() request: FastifyRequest, @Client() client: ClientInfo, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', 'no-store');
    return this.signIns.callback(new URL(request.url, 'http://callback.invalid').searchParams, client);
  }
}
