import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@petalpost/auth';
import { ApiCommand, ApiErrors } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { SigningKeys } from '../signing-keys';
import { RotateKeysBody, RotationResult, SigningKeyList } from './signing-keys.dto';

/** Operators see the signing keys' lives and force a rotation. */
@ApiTags('keys')
@ApiErrors(400, 401, 403)
@Roles('operator')
@Controller('signing-keys')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeys) {}

  @Get()
  @ApiOperation({ summary: 'The signing keys, newest first, with their status (never their private halves)' })
  @ZodResponse({ status: 200, type: SigningKeyList })
  async list() {
    return { items: await this.keys.list() };
  }

  @Post('rotate')
  @ApiCommand('Rotate the signing keys now, ahead of the schedule')
  @ZodResponse({ status: 200, type: RotationResult })
  async rotate(@Body() body: RotateKeysBody) {
    const steps = await this.keys.rotate(body.immediately ? 'now' : 'prepare');
    return { steps: steps.map(({ type, kid }) => ({ type, kid })), items: await this.keys.list() };
  }
}
