import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { membershipsOf, personById } from '../people.queries';
import { MeView } from './people.dto';

@ApiTags('people')
@ApiErrors(401, 403, 404)
@Roles('operator', 'staff', 'florist', 'dispatcher', 'rider')
@Controller('me')
export class MeController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({ summary: 'You (the person your token names) and the shops you belong to, with your roles and rights there' })
  @ZodResponse({ status: 200, type: MeView })
  async me(@CurrentPrincipal() principal: Principal) {
    const person = await personById(this.dataSource.manager, principal.sub);
    if (!person) throw new DomainError('not_found', 'PERSON_NOT_FOUND', 'your token names no person of this service');
    const memberships = await membershipsOf(this.dataSource.manager, person.personId);
    return { personId: person.personId, email: person.email, displayName: person.displayName, operator: person.operator, memberships };
  }
}
