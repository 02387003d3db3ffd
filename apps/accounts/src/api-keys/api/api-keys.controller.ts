import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { bearerToken, CurrentPrincipal, type Principal, Public } from '@petalpost/auth';
import { ApiCommand, ApiErrors, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { assertManagesTeam, Client, type ClientInfo, SignInDirectory } from '../../sessions';
import { ApiKeysService } from '../api-keys.service';
import { ApiKeyList, ApiKeyToken, CreateApiKeyBody, CreatedApiKey, RotatedApiKey } from './api-keys.dto';

/** The OpenAPI security scheme of the route that takes an API key's secret. */
export const API_KEY_SCHEME = 'apiKey';

const byOf = (principal: Principal) => `${principal.role}:${principal.sub}`;

/** A shop's API keys, managed by its owner and whoever manages its team (and operators). */
@ApiTags('api-keys')
@ApiErrors(400, 401, 403, 404, 409)
@Controller('shops/:shopId/api-keys')
export class ShopApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly directory: SignInDirectory,
  ) {}

  @Post()
  @ApiCommand('Create an API key for a system of the shop; its secret is in this answer only')
  @ZodResponse({ status: 201, type: CreatedApiKey })
  async create(@Param('shopId') shopId: string, @Body() body: CreateApiKeyBody, @CurrentPrincipal() principal: Principal) {
    await assertManagesTeam(this.directory, principal, shopId);
    return this.apiKeys.create(shopId, body.label, body.scopes, byOf(principal));
  }

  @Get()
  @ApiOperation({ summary: "The shop's API keys, newest first, with their use (never their secrets)" })
  @ZodResponse({ status: 200, type: ApiKeyList })
  async list(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    await assertManagesTeam(this.directory, principal, shopId);
    return { items: await this.apiKeys.list(shopId) };
  }

  @Post(':keyId/rotate')
  @ApiCommand('A new secret for the key; the previous one keeps working for ACCOUNTS_API_KEY_ROTATION_GRACE_MINUTES')
  @ZodResponse({ status: 200, type: RotatedApiKey })
  async rotate(
    @Param('shopId') shopId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @Body() _body: EmptyBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    await assertManagesTeam(this.directory, principal, shopId);
    return this.apiKeys.rotate(shopId, keyId, byOf(principal));
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the key: its secrets stop working at once (tokens already exchanged expire within minutes)' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  async revoke(
    @Param('shopId') shopId: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @Body() _body: EmptyBody,
    @CurrentPrincipal() principal: Principal,
  ) {
    await assertManagesTeam(this.directory, principal, shopId);
    await this.apiKeys.revoke(shopId, keyId, byOf(principal));
  }
}

/** Where a shop system exchanges its key for an access token. */
@ApiTags('api-keys')
@Controller('api-keys')
export class ApiKeyTokensController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post('token')
  @Public()
  @ApiSecurity(API_KEY_SCHEME)
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange an API key (`Authorization: Bearer pp_live_…`) for a short-lived access token carrying its scopes' })
  @ApiErrors(400, 401)
  @ZodResponse({ status: 200, type: ApiKeyToken })
  exchange(@Headers('authorization') authorization: string | undefined, @Body() _body: EmptyBody, @Client() client: ClientInfo) {
    return this.apiKeys.exchange(bearerToken(authorization), client.address);
  }
}
