import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Public } from '@petalpost/auth';
import { ApiErrors, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import type { ClientInfo } from '../sessions.service';
import { SessionsService } from '../sessions.service';
import { SignInService } from '../sign-in.service';
import { Client } from './client-info';
import { RefreshBody, SessionList, SessionTokens, SignedOutEverywhere, SignInBody } from './sessions.dto';

/**
 * Signing in, refreshing, and the caller's own sessions. Sign-in and refresh need no access token:
 * the password or the refresh token is the proof.
 */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly signIns: SignInService,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @Public()
  @ApiOperation({
    summary:
      'Sign in with e-mail and password: an access token, a refresh token and the session. Repeated failures are slowed (429 with Retry-After), then lock the account',
  })
  @ApiErrors(400, 401, 403, 429)
  @ZodResponse({ status: 201, type: SessionTokens })
  signIn(@Body() body: SignInBody, @Client() client: ClientInfo) {
    return this.signIns.signIn(body, client);
  }

  @Post('refresh')
  @Public()
  @ApiOperation({
    summary:
      'A new access token and refresh token for a refresh token (each is good once; a used one presented again ends the session). With shopId/role: act as another of your memberships',
  })
  @ApiErrors(400, 401, 403, 409)
  @ZodResponse({ status: 200, type: SessionTokens })
  refresh(@Body() body: RefreshBody) {
    const { refreshToken, shopId, role } = body;
    return this.sessions.refresh(refreshToken, shopId !== undefined || role !== undefined ? { shopId, role } : undefined);
  }

  @Get()
  @ApiOperation({ summary: 'Your open sessions, newest first; the one of this token is marked current' })
  @ApiErrors(401)
  @ZodResponse({ status: 200, type: SessionList })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.sessions.list(principal.sub, principal.sessionId) };
  }

  @Delete(':sessionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out one of your sessions: its refresh token stops working (its access tokens expire within 15 minutes)' })
  @ApiResponse({ status: 204, description: 'Signed out' })
  @ApiErrors(400, 401, 404)
  async end(@Param('sessionId', ParseUUIDPipe) sessionId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    await this.sessions.end(principal.sub, sessionId);
  }

  @Post('sign-out-everywhere')
  @ApiOperation({ summary: 'Sign out every one of your sessions, this one included' })
  @ApiErrors(400, 401)
  @ZodResponse({ status: 200, type: SignedOutEverywhere })
  async signOutEverywhere(@Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    return { ended: await this.sessions.endAll(principal.sub) };
  }
}
