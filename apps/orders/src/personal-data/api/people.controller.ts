import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { commandMetadata, EventStore } from '@petalpost/event-store';
import { ApiErrors, createZodDto, EmptyBody } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { personStream } from '../domain/personal-data';
import { PersonalDataVault } from '../personal-data-vault';

class ErasureView extends createZodDto(
  z.object({
    personId: z.string(),
    erasedAt: z.string(),
    alreadyErased: z.boolean().describe('True when an earlier request had already erased them'),
  }),
) {}

/**
 * A person's right to be forgotten. Their key is deleted and a PersonalDataErased event is
 * recorded in one transaction: the log stays intact, their names, phones, addresses and card
 * words become unreadable in every order, read model and (through the event) every consumer.
 */
@ApiTags('people')
@ApiErrors(400, 401, 403, 404)
@Controller('people')
export class PeopleController {
  constructor(
    private readonly store: EventStore,
    private readonly vault: PersonalDataVault,
  ) {}

  @Post(':personId/erasure')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "Erase a person's personal data (buyerPersonId / recipientPersonId of an order)" })
  @ZodResponse({ status: 200, type: ErasureView })
  async erase(@Param('personId') personId: string, @Body() _body: EmptyBody, @CurrentPrincipal() principal: Principal) {
    const shopId = await this.vault.shopOf(personId);
    if (shopId === undefined || !canSeeShop(principal, shopId)) throw new DomainError('not_found', 'PERSON_NOT_FOUND', 'no such person');
    return this.store.transaction(async (manager) => {
      const erasure = (await this.vault.erase(personId, manager))!;
      if (!erasure.alreadyErased) {
        await this.store.append(
          personStream(personId),
          'person',
          0,
          [{ type: 'PersonalDataErased', data: { personId, shopId, erasedAt: erasure.erasedAt } }],
          commandMetadata(erasure.erasedAt, { actor: actorOf(principal) }),
          {},
          manager,
        );
      }
      return { personId, erasedAt: erasure.erasedAt, alreadyErased: erasure.alreadyErased };
    });
  }
}
