import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Roles, Scopes, shopInScope } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { ApiCommand, ApiContent, ApiErrors, CommandRequest } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { IntakePlacer, type IntakeResult } from '../placing/intake-placer.service';
import { IntakeOrdersStore, type IntakeRow } from '../placing/intake-orders.store';
import { ApiSourceSchema, IntakeAnswer, IntakeOrderBody, IntakeOrderQuery } from './intake-api.dto';

/** An API caller's orders are kept apart from the shop's connected stores: `api:<the source it names>`. */
export const apiSource = (source: string) => `api:${source}`;

/** Without updatedAt every request of one order is the same snapshot: a second is a replay. */
const FIRST_SNAPSHOT = '1970-01-01T00:00:00.000Z';

const orderNotFound = () => new DomainError('not_found', 'INTAKE_ORDER_NOT_FOUND', 'no such order from this source');

/**
 * The generic intake API: a till, a phone-order form or any system of the shop sends its orders
 * with a shop API key (scope orders:write). Each goes through IntakePlacer like a web shop's, so it
 * is placed, or held for staff when it lacks a date or an address or its slot is full; sending the
 * same source and external reference again changes nothing and answers as the first time did.
 */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Controller('intake/orders')
export class IntakeOrdersController {
  constructor(
    private readonly placer: IntakePlacer,
    private readonly intakeOrders: IntakeOrdersStore,
  ) {}

  @Post()
  @Roles('staff', 'operator')
  @Scopes('orders:write')
  @ApiCommand(
    'Take an order from a shop system: placed (201), or held for staff when it lacks a date or address or its slot is full (201, needs_attention); the same source and externalRef again: 200 with the answer as it stands, nothing new',
  )
  @ApiErrors(413, 415)
  @ZodResponse({ status: 201, type: IntakeAnswer })
  @ApiContent(200, 'Sent before (a replay: the answer as it stands, nothing new), or a later or earlier snapshot of it (updated, stale, cancelled)', {
    'application/json': IntakeAnswer,
  })
  async receive(@Body() body: IntakeOrderBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    const { shopId: requested, source, externalRef, updatedAt, ...order } = body;
    const shopId = shopInScope(principal, requested);
    const result = await this.placer.receive(shopId, apiSource(source), externalRef, updatedAt ?? FIRST_SNAPSHOT, order, { actor: actorOf(principal) });
    if (result.outcome === 'duplicate') {
      // A replay: what the first request got, as it stands now (staff may have placed a held order since).
      void request.reply.status(200).header('idempotent-replayed', 'true');
      const row = await this.intakeOrders.find(shopId, apiSource(source), externalRef);
      return row ? answerOf(row, source) : { outcome: 'stale' as const, source, externalRef };
    }
    if (result.outcome !== 'placed' && result.outcome !== 'needs_attention') void request.reply.status(200);
    return { source, externalRef, ...resultOf(result) };
  }

  @Get(':source/:externalRef')
  @Roles('staff', 'operator')
  @Scopes('orders:write', 'orders:read')
  @ApiOperation({ summary: 'What became of an order sent before (for a caller that lost the answer): placed with its order, held for staff, or dismissed' })
  @ZodResponse({ status: 200, type: IntakeAnswer })
  async find(
    @Param('source') source: string,
    @Param('externalRef') externalRef: string,
    @Query() query: IntakeOrderQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    const shopId = shopInScope(principal, query.shopId);
    if (!ApiSourceSchema.safeParse(source).success) throw orderNotFound();
    // Another shop's order with the same names is not there for this caller.
    const row = await this.intakeOrders.find(shopId, apiSource(source), externalRef);
    if (!row) throw orderNotFound();
    return answerOf(row, source);
  }
}

function resultOf(result: IntakeResult) {
  const { outcome, intakeId, orderId, reason } = result;
  return {
    outcome: outcome === 'duplicate' ? ('stale' as const) : outcome,
    ...(intakeId ? { intakeId } : {}),
    ...(orderId ? { orderId } : {}),
    ...(reason ? { reason } : {}),
  };
}

function answerOf(row: IntakeRow, source: string) {
  return {
    outcome: row.status,
    source,
    externalRef: row.externalRef,
    intakeId: row.intakeId,
    ...(row.orderId ? { orderId: row.orderId } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
