import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, RiderAvailabilitySchema, RiderVehicleSchema } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, requestFingerprint } from '@petalpost/event-store';
import { ApiErrorResponses } from '@petalpost/platform';
import type { FastifyReply } from 'fastify';
import { createZodDto, ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { DispatchCommands } from '../dispatch-commands.service';
import { type RiderCommand, riderDecider, riderNotFound, type RiderState, riderStream } from '../domain/rider.decider';
import { assertMayEditProfile, canSeeRider, riderView, riderViewOf, RiderViewSchema } from './rider-view';
import { ridersOfShop } from './riders.queries';

const shopIdSchema = z.string().min(1).max(100);
const name = z.string().trim().min(1).max(200);
const phone = z.string().trim().min(3).max(40);

class RegisterRiderBody extends createZodDto(
  z
    .strictObject({
      // `me` names the caller in `/riders/me/...`: no rider may be called that.
      riderId: z.string().min(1).max(100).regex(/^[A-Za-z0-9._:@-]+$/).refine((id) => id !== 'me', 'riderId "me" is reserved').describe("The rider's subject in their token"),
      name,
      phone: phone.optional(),
      vehicle: RiderVehicleSchema,
      shopIds: z
        .array(shopIdSchema)
        .min(1)
        .max(50)
        .optional()
        .describe('Other shops the rider is offered to: each rides with them once its dispatcher approves; the registering shop owns the profile'),
      shopId: shopIdSchema.optional().describe('Operators say which shop owns the rider; everyone else registers for their own'),
    })
    .meta({ example: { riderId: 'rita', name: 'Rita Rider', phone: '+31 6 1111 2222', vehicle: { kind: 'e-bike', capacity: 6 } } }),
) {}

class UpdateRiderBody extends createZodDto(
  z
    .strictObject({ name: name.optional(), phone: phone.optional(), vehicle: RiderVehicleSchema.optional(), shopIds: z.array(shopIdSchema).min(1).max(50).optional() })
    .refine((b) => Object.keys(b).length > 0, 'say what to change')
    .meta({ example: { vehicle: { kind: 'scooter', capacity: 10 } } }),
) {}

class AvailabilityBody extends createZodDto(z.strictObject({ availability: RiderAvailabilitySchema }).meta({ example: { availability: 'on_shift' } })) {}

class ApproveRiderBody extends createZodDto(
  z.strictObject({ shopId: shopIdSchema.optional().describe('Operators say which shop approves; everyone else approves for their own') }).meta({ example: {} }),
) {}

class RidersQuery extends createZodDto(
  z.strictObject({
    shopId: shopIdSchema.optional().describe('Operators choose a shop; everyone else sees their own'),
    availability: RiderAvailabilitySchema.optional(),
    offered: z.stringbool().default(false).describe('true: the riders other shops offered this shop, awaiting its approval'),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  }),
) {}

class RiderResponse extends createZodDto(RiderViewSchema) {}
class RiderList extends createZodDto(z.object({ items: z.array(RiderViewSchema) })) {}

const idempotencyHeader = ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and changes nothing' });

/**
 * Riders' profiles and availability. Commands go through the rider's stream and answer with the
 * state they led to; the list reads the riders read model, a moment behind the log.
 */
@ApiTags('riders')
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404, 409)
@Controller('riders')
export class RidersController {
  constructor(
    private readonly commands: DispatchCommands,
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "Register a rider for the caller's shop (operators name the shop); they start off shift" })
  @idempotencyHeader
  @ZodResponse({ status: 201, type: RiderResponse })
  async register(
    @Body() body: RegisterRiderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const shopId = principal.role === 'operator' ? body.shopId : principal.shopId;
    if (!shopId) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop the rider is for (shopId)');
    if (body.shopId && body.shopId !== shopId) throw new DomainError('invalid', 'SHOP_MISMATCH', 'riders are registered for your own shop only');
    const command: RiderCommand = { type: 'RegisterRider', riderId: body.riderId, shopId, shopIds: body.shopIds, name: body.name, phone: body.phone, vehicle: body.vehicle, now: now() };
    const result = await this.run(principal, body.riderId, command, { route: 'register', body, idempotencyKey }, (state) => {
      // An id another shop registered is taken, and that is all this caller learns of it.
      if (state.status === 'registered' && !canSeeRider(principal, state)) throw new DomainError('conflict', 'RIDER_ID_TAKEN', `rider id ${body.riderId} is taken`);
    });
    return this.answer(result, reply);
  }

  @Get()
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "The riders of a shop (every rider who rides for it), by name; eventually consistent with the commands' answers" })
  @ZodResponse({ status: 200, type: RiderList })
  async list(@Query() query: RidersQuery, @CurrentPrincipal() principal: Principal) {
    if (principal.role !== 'operator' && query.shopId && query.shopId !== principal.shopId) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
    const shopId = principal.role === 'operator' ? query.shopId : principal.shopId;
    if (!shopId) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop (shopId)');
    const rows = await ridersOfShop(this.dataSource, shopId, query.availability, query.limit, query.offered);
    return { items: rows.map(riderView) };
  }

  @Get(':riderId')
  @Roles('staff', 'dispatcher', 'operator', 'rider')
  @ApiOperation({ summary: 'A rider: for the desks of the shops they ride for, operators, and the rider themself' })
  @ZodResponse({ status: 200, type: RiderResponse })
  async get(@Param('riderId') riderId: string, @CurrentPrincipal() principal: Principal) {
    const history = await this.store.readStream(riderStream(riderId));
    const state = foldEvents(riderDecider, history);
    if (state.status === 'none' || !canSeeRider(principal, state)) throw riderNotFound();
    return riderViewOf(state, history.length);
  }

  @Patch(':riderId')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "Change a rider's name, phone, vehicle or shops (by the shop that owns the profile); only the fields given" })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: RiderResponse })
  async update(
    @Param('riderId') riderId: string,
    @Body() body: UpdateRiderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: RiderCommand = { type: 'UpdateRiderProfile', riderId, ...body, now: now() };
    const result = await this.run(principal, riderId, command, { route: 'update', body, idempotencyKey }, (state) => {
      if (state.status === 'none') throw riderNotFound();
      assertMayEditProfile(principal, state);
    });
    return this.answer(result, reply);
  }

  @Post(':riderId/approve')
  @HttpCode(200)
  @Roles('dispatcher', 'operator')
  @ApiOperation({
    summary: "Approve a rider another shop offered to the caller's shop (operators name the shop): from then on the shop sees the rider and plans with them",
  })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: RiderResponse })
  async approve(
    @Param('riderId') riderId: string,
    @Body() body: ApproveRiderBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (principal.role !== 'operator' && body.shopId && body.shopId !== principal.shopId) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
    const shopId = principal.role === 'operator' ? body.shopId : principal.shopId;
    if (!shopId) throw new DomainError('invalid', 'SHOP_REQUIRED', 'operators must say which shop approves the rider (shopId)');
    const command: RiderCommand = { type: 'ApproveRiderForShop', riderId, shopId, now: now() };
    const result = await this.run(principal, riderId, command, { route: 'approve', body, idempotencyKey }, (state) => {
      // A shop the rider was not offered to gets 404 from the decider, as any stranger does.
      if (state.status === 'none') throw riderNotFound();
    });
    return this.answer(result, reply);
  }

  @Put('me/availability')
  @Roles('rider')
  @ApiOperation({ summary: 'A rider starts or ends their shift, or takes a break' })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: RiderResponse })
  changeOwnAvailability(
    @Body() body: AvailabilityBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.changeAvailability(principal.sub, body, principal, idempotencyKey, reply);
  }

  @Put(':riderId/availability')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "Set a rider's availability (on_shift, on_break, off) for them: any shop they ride for" })
  @idempotencyHeader
  @ZodResponse({ status: 200, type: RiderResponse })
  async changeAvailability(
    @Param('riderId') riderId: string,
    @Body() body: AvailabilityBody,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command: RiderCommand = { type: 'ChangeAvailability', riderId, availability: body.availability, now: now() };
    const result = await this.run(principal, riderId, command, { route: 'availability', body, idempotencyKey }, (state) => {
      if (state.status === 'none' || !canSeeRider(principal, state)) throw riderNotFound();
    });
    return this.answer(result, reply);
  }

  private run(
    principal: Principal,
    riderId: string,
    command: RiderCommand,
    request: { route: string; body: unknown; idempotencyKey?: string },
    authorize: (state: RiderState) => void,
  ): Promise<CommandResult<RiderState>> {
    return this.commands.execute(riderDecider, riderStream(riderId), command, {
      actor: actorOf(principal),
      authorize,
      idempotency: request.idempotencyKey
        ? { key: `riders:${principal.role}:${principal.shopId ?? ''}:${principal.sub}:${request.idempotencyKey}`, fingerprint: requestFingerprint(request.route, riderId, request.body) }
        : undefined,
    });
  }

  private answer(result: CommandResult<RiderState>, reply: FastifyReply) {
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    if (result.state.status === 'none') throw riderNotFound();
    return riderViewOf(result.state, result.version);
  }
}

function now(): string {
  return new Date().toISOString();
}
