import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@petalpost/auth';
import { SERVICE_CONFIG } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { ZodResponse } from 'nestjs-zod';
import type { KeysConfig } from '../keys.config';
import { SigningKeys } from '../signing-keys';
import { JwksView } from './signing-keys.dto';

/** The public keys the services verify access tokens with (RFC 7517). */
@ApiTags('keys')
@Controller('.well-known')
export class JwksController {
  private readonly maxAgeSeconds: number;

  constructor(
    private readonly keys: SigningKeys,
    @Inject(SERVICE_CONFIG) config: KeysConfig,
  ) {
    // Caches may keep the document for less than a successor waits before it signs, so it reaches every verifier in time.
    this.maxAgeSeconds = Math.max(1, Math.min(300, Math.floor((config.ACCOUNTS_KEY_PREPUBLISH_MINUTES * 60) / 4)));
  }

  @Get('jwks.json')
  @Public()
  @ApiOperation({ summary: 'The JSON Web Key Set access tokens are verified against (cacheable; a token with an unknown kid calls for a fresh copy)' })
  @ZodResponse({ status: 200, type: JwksView })
  async jwks(@Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('cache-control', `public, max-age=${this.maxAgeSeconds}`);
    return { keys: await this.keys.published() };
  }
}
