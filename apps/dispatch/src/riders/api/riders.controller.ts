import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError, RiderAvailabilitySchema, RiderVehicleSchema } from '@petalpost/contracts';
import { type CommandResult, EventStore, foldEvents, fromRequest, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { type RiderCommand, riderDecider, riderNotFound, type RiderState, riderStream } from '../domain/rider.decider';
import { assertMayEditProfile, canSeeRider, riderView, riderViewOf, RiderViewSchema } from './rider-view';
import { ridersOfShop } from '../riders.queries';

const shopIdSchema = z.string().min(1).max(100);
const name = z.string().trim().min(1).max(200);
const phone = z.string().trim().min(3).max(40);

class RegisterRiderBody extends createZodDto(
  z
    .strictObject({
      // `me` names the caller in `/riders/me/...`: no rider may be called that.
      riderId: z
        .string()
        .min(1)
        .max(100)
        .regex(/^[A-Za-z0-9._:@-]+$/)
        .refine((id) => id !== 'me', 'riderId "me" is reserved')
        .describe("The rider's subject in their token"),
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
    .strictObject({
      name: name.optional(),
      phone: phone.optional(),
      vehicle: RiderVehicleSchema.optional(),
      shopIds: z.array(shopIdSchema).min(1).max(50).optional(),
    })
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

/**
 * Riders' profiles and availability. Commands go through the rider's stream and answer with the
 * state they led to; the list reads the riders read model, a moment behind the log.
 */
@ApiTags('riders')
@ApiErrors(400, 401, 403, 404, 409)
@Controller('riders')
export class RidersController {
  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Roles('staff', 'dispatcher', 'operator')
  @ApiCommand("Register a rider for the caller's shop (operators name the shop); they start off shift")
  @ZodResponse({ status: 201, type: RiderResponse })
  async register(@Body() body: RegisterRiderBody, @CommandRequest() request: CommandRequest) {
    const { principal } = request;
    const shopId = shopInScope(principal, body.shopId, () => new DomainError('invalid', 'SHOP_MISMATCH', 'riders are registered for your own shop only'));
    const command: RiderCommand = {
      type: 'RegisterRider',
      riderId: body.riderId,
      shopId,
      shopIds: body.shopIds,
      name: body.name,
      phone: body.phone,
      vehicle: body.vehicle,
      now: now(),
    };
    return this.run(request, ['register', body.riderId, body], command, (state) => {
      // An id another shop registered is taken, and that is all this caller learns of it.
      if (state.status === 'registered' && !canSeeRider(principal, state))
        throw new DomainError('conflict', 'RIDER_ID_TAKEN', `rider id ${body.riderId} is taken`);
    });
  }

  @Get()
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: "The riders of a shop (every rider who rides for it), by name; eventually consistent with the commands' answers" })
  @ZodResponse({ status: 200, type: RiderList })
  async list(@Query() query: RidersQuery, @CurrentPrincipal() principal: Principal) {
    const rows = await ridersOfShop(this.dataSource, shopInScope(principal, query.shopId), query.availability, query.limit, query.offered);
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
  @ApiCommand("Change a rider's name, phone, vehicle or shops (by the shop that owns the profile); only the fields given")
  @ZodResponse({ status: 200, type: RiderResponse })
  update(@Param('riderId') riderId: string, @Body() body: UpdateRiderBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, ['update', riderId, body], { type: 'UpdateRiderProfile', riderId, ...body, now: now() }, (state) => {
      if (state.status === 'none') throw riderNotFound();
      assertMayEditProfile(request.principal, state);
    });
  }

  @Post(':riderId/approve')
  @Roles('dispatcher', 'operator')
  @ApiCommand("Approve a rider another shop offered to the caller's shop (operators name the shop): from then on the shop sees the rider and plans with them")
  @ZodResponse({ status: 200, type: RiderResponse })
  approve(@Param('riderId') riderId: string, @Body() body: ApproveRiderBody, @CommandRequest() request: CommandRequest) {
    const shopId = shopInScope(request.principal, body.shopId);
    return this.run(request, ['approve', riderId, body], { type: 'ApproveRiderForShop', riderId, shopId, now: now() }, (state) => {
      // A shop the rider was not offered to gets 404 from the decider, as any stranger does.
      if (state.status === 'none') throw riderNotFound();
    });
  }

  @Put('me/availability')
  @Roles('rider')
  @ApiCommand('A rider starts or ends their shift, or takes a break')
  @ZodResponse({ status: 200, type: RiderResponse })
  changeOwnAvailability(@Body() body: AvailabilityBody, @CommandRequest() request: CommandRequest) {
    return this.changeAvailability(request.principal.sub, body, request);
  }

  @Put(':riderId/availability')
  @Roles('staff', 'dispatcher', 'operator')
  @ApiCommand("Set a rider's availability (on_shift, on_break, off) for them: any shop they ride for")
  @ZodResponse({ status: 200, type: RiderResponse })
  changeAvailability(@Param('riderId') riderId: string, @Body() body: AvailabilityBody, @CommandRequest() request: CommandRequest) {
    return this.run(request, ['availability', riderId, body], { type: 'ChangeAvailability', riderId, availability: body.availability, now: now() }, (state) => {
      if (state.status === 'none' || !canSeeRider(request.principal, state)) throw riderNotFound();
    });
  }

  /** A rider command from a request, answered with the rider as it is now. */
  private async run(request: CommandRequest, fingerprint: unknown[], command: RiderCommand, authorize: (state: RiderState) => void) {
    const result: CommandResult<RiderState> = await runCommand(this.store, riderDecider, riderStream(command.riderId), command, {
      ...fromRequest(request, fingerprint),
      authorize,
    });
    if (result.state.status === 'none') throw riderNotFound();
    return answer(request, result, riderViewOf(result.state, result.version));
  }
}

function now(): string {
  return new Date().toISOString();
}
