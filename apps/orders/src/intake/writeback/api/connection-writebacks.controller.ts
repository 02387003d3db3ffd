import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { IntakeConnections } from '../../connections/intake-connections.store';
import { IntakeWritebacksStore } from '../intake-writebacks.store';
import { WritebackViewSchema } from './writebacks.controller';

class LatestWritebacksQuery extends createZodDto(
  z.strictObject({
    shopId: z.string().min(1).max(64).optional().describe('Operators: the shop acted for (staff act for their own)'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
) {}
class LatestWritebacks extends createZodDto(z.object({ writebacks: z.array(WritebackViewSchema).describe('Newest first') })) {}

/**
 * What one connected shop system was last told, beside its last deliveries on the shop's systems
 * page: each status (a Chinese platform also the confirmation, the rider and their positions)
 * with what became of it. The dead ones are retried from the write-backs list.
 */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Roles('staff', 'operator')
@Controller('intake/connections/:connectionId/writebacks')
export class ConnectionWritebacksController {
  constructor(
    private readonly connections: IntakeConnections,
    private readonly writebacks: IntakeWritebacksStore,
  ) {}

  @Get()
  @ApiOperation({ summary: "The connection's latest status write-backs, newest first, whatever became of each (done, pending, dead)" })
  @ZodResponse({ status: 200, type: LatestWritebacks })
  async latest(@Param('connectionId', ParseUUIDPipe) connectionId: string, @Query() query: LatestWritebacksQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    if (!(await this.connections.get(shopId, connectionId))) throw new DomainError('not_found', 'CONNECTION_NOT_FOUND', 'no such connection');
    return { writebacks: await this.writebacks.latestOf(shopId, connectionId, query.limit) };
  }
}
