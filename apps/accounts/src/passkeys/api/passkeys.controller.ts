import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Public, Roles } from '@petalpost/auth';
import { ApiErrors, EmptyBody } from '@petalpost/platform';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { ZodResponse } from 'nestjs-zod';
import { PasskeysService } from '../passkeys.service';
import { Client, type ClientInfo, SessionTokens } from '../../sessions';
import { PasskeyList, PasskeySignInBody, PasskeyView, RegisterPasskeyBody, RegistrationOptions, SignInOptions } from './passkeys.dto';

const PEOPLE = ['operator', 'staff', 'florist', 'dispatcher', 'rider'] as const;

/** A signed-in person's own passkeys: register one on this device, list them, delete a lost one. */
@ApiTags('passkeys')
@Controller('passkeys')
export class PasskeysController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Post('registration/options')
  @HttpCode(200)
  @Roles(...PEOPLE)
  @ApiOperation({ summary: 'Start registering a passkey: options for navigator.credentials.create(), with a challenge good for one answer within minutes' })
  @ApiErrors(400, 401, 403, 404, 409)
  @ZodResponse({ status: 200, type: RegistrationOptions })
  async registrationOptions(@Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    // simplewebauthn's own type of the same JSON, which declares no index signature.
    return (await this.passkeys.registrationOptions(principal.sub)) as unknown as RegistrationOptions;
  }

  @Post('registration')
  @Roles(...PEOPLE)
  @ApiOperation({ summary: "Finish registering: the authenticator's answer is verified (origin, RP ID, challenge, user verification) and its public key kept" })
  @ApiErrors(400, 401, 403, 409)
  @ZodResponse({ status: 201, type: PasskeyView })
  register(@Body() body: RegisterPasskeyBody, @CurrentPrincipal() principal: Principal) {
    return this.passkeys.register(principal.sub, body.response as RegistrationResponseJSON, body.label);
  }

  @Get()
  @Roles(...PEOPLE)
  @ApiOperation({ summary: 'Your passkeys, oldest first' })
  @ApiErrors(401, 403)
  @ZodResponse({ status: 200, type: PasskeyList })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.passkeys.list(principal.sub) };
  }

  @Delete(':credentialId')
  @HttpCode(204)
  @Roles(...PEOPLE)
  @ApiOperation({ summary: 'Delete one of your passkeys: it signs in no more' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(401, 403, 404)
  async remove(@Param('credentialId') credentialId: string, @CurrentPrincipal() principal: Principal) {
    await this.passkeys.remove(principal.sub, credentialId);
  }
}

/** Signing in with a passkey: no token needed, the signature over the challenge is the proof. */
@ApiTags('sessions')
@Controller('sessions/passkey')
export class PasskeySignInController {
  constructor(private readonly passkeys: PasskeysService) {}

  @Post('options')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Start a passkey sign-in: options for navigator.credentials.get(), usernameless (the authenticator offers its passkeys for this site)',
  })
  @ApiErrors(400)
  @ZodResponse({ status: 200, type: SignInOptions })
  async options(@Body() _body: EmptyBody) {
    return (await this.passkeys.signInOptions()) as unknown as SignInOptions;
  }

  @Post()
  @Public()
  @ApiOperation({
    summary:
      "Sign in with a passkey: the authenticator's answer to the options. The same answer as a password sign-in: an access token, a refresh token and the session",
  })
  @ApiErrors(400, 401, 403)
  @ZodResponse({ status: 201, type: SessionTokens })
  signIn(@Body() body: PasskeySignInBody, @Client() client: ClientInfo) {
    const { response, shopId, role } = body;
    return this.passkeys.signIn(response as AuthenticationResponseJSON, { shopId, role }, client);
  }
}
