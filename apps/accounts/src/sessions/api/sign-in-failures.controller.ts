import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiCommand, ApiErrors } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { assertManagesTeam, SignInDirectory } from '../sign-in-directory';
import { SignInService } from '../sign-in.service';
import { FailuresQuery, SignInFailureList, UnlockBody, UnlockResult } from './sessions.dto';

const personNotFound = () => new DomainError('not_found', 'PERSON_NOT_FOUND', 'no such person at this shop');

/** A shop's owner (and whoever manages its team) sees its people's failed sign-ins and lifts a lockout. */
@ApiTags('sessions')
@ApiErrors(400, 401, 403, 404)
@Controller('shops/:shopId/sign-in-failures')
export class SignInFailuresController {
  constructor(
    private readonly signIns: SignInService,
    private readonly directory: SignInDirectory,
  ) {}

  @Get()
  @ApiOperation({ summary: "Failed sign-ins of the shop's people, newest first (owner, team managers, operators)" })
  @ZodResponse({ status: 200, type: SignInFailureList })
  async list(@Param('shopId') shopId: string, @Query() query: FailuresQuery, @CurrentPrincipal() principal: Principal) {
    await assertManagesTeam(this.directory, principal, shopId);
    return { items: await this.signIns.failuresAt(shopId, query.limit) };
  }

  @Post('unlock')
  @ApiCommand("Unlock a person of the shop locked out by failed sign-ins, and clear their failures' count")
  @ZodResponse({ status: 200, type: UnlockResult })
  async unlock(@Param('shopId') shopId: string, @Body() body: UnlockBody, @CurrentPrincipal() principal: Principal) {
    await assertManagesTeam(this.directory, principal, shopId);
    const person = await this.directory.byId(body.personId);
    if (!person || !(await this.directory.membershipsOf(person.personId)).some((m) => m.shopId === shopId)) throw personNotFound();
    return { personId: person.personId, wasLocked: await this.signIns.unlock(person, `${principal.role}:${principal.sub}`) };
  }
}
