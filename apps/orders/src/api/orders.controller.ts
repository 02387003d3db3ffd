import { randomUUID } from 'node:crypto';
import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, ErrorBodySchema } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, handleCommand, requestFingerprint } from '@petalpost/event-store';
import { currentContext } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import type { OrderCommand } from '../domain/order.commands';
import { orderDecider } from '../domain/order.decider';
import { orderStream } from '../domain/order.events';
import type { OrderState } from '../domain/order.state';
import { CancelOrderBody, OrderAsOfQuery, OrderHistory, OrderView, PlaceOrderBody } from './order.dto';

const NOT_FOUND = () => new DomainError('not_found', 'ORDER_NOT_FOUND', 'no such order');

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });
const ifMatchHeader = ApiHeader({ name: 'If-Match', required: false, description: 'The order version (ETag) you saw; a stale one gets 412' });
const ErrorResponses = () =>
  applyDecorators(
    ...[400, 401, 403, 404, 409, 412, 413].map((status) => ApiResponse({ status, description: 'Error (see code)', schema: ErrorBodySchema.toJSONSchema() as object })),
  );

/** Turns requests into order commands; the decider decides, the event store records. */
@ApiTags('orders')
@ApiBearerAuth()
@ErrorResponses()
@Controller('orders')
export class OrdersController {
  constructor(private readonly store: EventStore) {}

  @Post()
  @HttpCode(201)
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Place an order' })
  @idempotencyHeader
  @ZodResponse({ status: 201, type: OrderView })
  async place(
    @Body() body: PlaceOrderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const shopId = principal.role === 'operator' ? body.shopId : principal.shopId;
    if (!shopId) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop the order is for (shopId)');
    if (body.shopId && body.shopId !== shopId) throw new DomainError('invalid', 'SHOP_MISMATCH', 'staff place orders for their own shop only');
    const orderId = randomUUID();
    const command: OrderCommand = { type: 'PlaceOrder', orderId, shopId, reference: body.reference, items: body.items, deliveryWindow: body.deliveryWindow, now: new Date().toISOString() };
    const result = await this.execute(principal, orderStream(orderId), command, { idempotencyKey, route: 'place', body, isNew: true });
    return this.respond(result, reply);
  }

  @Post(':orderId/accept')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Accept a placed order' })
  @idempotencyHeader
  @ifMatchHeader
  @ZodResponse({ status: 200, type: OrderView })
  async accept(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: OrderCommand = { type: 'AcceptOrder', now: new Date().toISOString() };
    return this.respond(await this.execute(principal, orderStream(orderId), command, { idempotencyKey, ifMatch, route: 'accept' }), reply);
  }

  @Post(':orderId/cancel')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Cancel an order that is not yet out for delivery' })
  @idempotencyHeader
  @ifMatchHeader
  @ZodResponse({ status: 200, type: OrderView })
  async cancel(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Body() body: CancelOrderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: OrderCommand = { type: 'CancelOrder', reason: body.reason, now: new Date().toISOString() };
    return this.respond(await this.execute(principal, orderStream(orderId), command, { idempotencyKey, ifMatch, route: 'cancel', body }), reply);
  }

  @Get(':orderId')
  @ApiOperation({ summary: 'An order as its events tell it, now or as of a past time (404 for orders you may not see)' })
  @ZodResponse({ status: 200, type: OrderView })
  async get(
    @Param('orderId', ParseUUIDPipe) orderId: string,
    @Query() query: OrderAsOfQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const events = await this.store.readStream(orderStream(orderId), { asOf: query.asOf });
    const state = foldEvents(orderDecider, events);
    assertVisible(principal, state);
    return this.respond({ streamId: orderStream(orderId), version: events.length, state, events: [], replayed: false }, reply);
  }

  @Get(':orderId/history')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "Every change of an order, with who made it and when: the shop's audit trail" })
  @ZodResponse({ status: 200, type: OrderHistory })
  async history(@Param('orderId', ParseUUIDPipe) orderId: string, @CurrentPrincipal() principal: Principal) {
    const events = await this.store.readStream(orderStream(orderId));
    assertVisible(principal, foldEvents(orderDecider, events));
    return {
      items: events.map((e) => ({
        version: e.streamVersion,
        type: e.type,
        occurredAt: e.metadata.occurredAt,
        recordedAt: e.recordedAt.toISOString(),
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
        data: e.data,
      })),
    };
  }

  private execute(
    principal: Principal,
    streamId: string,
    command: OrderCommand,
    request: { idempotencyKey?: string; ifMatch?: string; route: string; body?: unknown; isNew?: boolean },
  ) {
    const context = currentContext();
    return handleCommand(this.store, orderDecider, {
      streamId,
      command,
      metadata: {
        correlationId: context?.correlationId ?? randomUUID(),
        traceparent: context?.traceparent,
        actor: { role: principal.role, subject: principal.sub, shopId: principal.shopId },
        occurredAt: new Date().toISOString(),
      },
      expectedVersion: parseIfMatch(request.ifMatch),
      // Keys are the caller's own: two clients choosing the same key never collide.
      idempotency: request.idempotencyKey
        ? { key: `${principal.role}:${principal.sub}:${request.idempotencyKey}`, fingerprint: requestFingerprint(request.route, request.isNew ? null : streamId, request.body ?? null) }
        : undefined,
      authorize: request.isNew ? undefined : (state) => assertVisible(principal, state),
    });
  }

  private respond(result: CommandResult<OrderState>, reply: FastifyReply): OrderView {
    if (result.state.status === 'none') throw NOT_FOUND();
    void reply.header('etag', `"${result.version}"`);
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return { ...result.state, version: result.version };
  }
}

/** Orders of another shop do not exist for the caller: 404, never 403 with details. */
function assertVisible(principal: Principal, state: OrderState): void {
  if (state.status === 'none' || !canSeeShop(principal, state.shopId)) throw NOT_FOUND();
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new DomainError('invalid', 'BAD_IF_MATCH', 'If-Match must be an order version such as "3"');
  return Number(match[1]);
}
