import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError, RiderPositionSchema } from '@petalpost/contracts';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { DROP_REASONS } from '../domain/rider-position.screen';
import { type RiderRef, RiderPositionsStore } from '../rider-positions.store';

export const MAX_POSITIONS_PER_REQUEST = 50;

// Bounds, accuracy and device time are judged by the domain and answered as drops, not 400s: a
// phone cannot fix a bad fix, and the rest of its batch is still worth keeping.
const ReportedPositionSchema = z.strictObject({
  id: z
    .uuid()
    .optional()
    .describe(
      'The phone’s own id for this report (the rider app always sends one): a report kept before is dropped as duplicate, so a batch sent again is kept once',
    ),
  lat: z.number().describe('degrees; outside -90..90 is dropped as out_of_bounds'),
  lng: z.number().describe('degrees; outside -180..180 is dropped as out_of_bounds'),
  accuracy: z.number().min(0).describe('metres'),
  speed: z.number().min(0).optional().describe('metres per second'),
  heading: z.number().min(0).max(360).optional().describe('degrees from north'),
  recordedAt: z.iso.datetime({ offset: true }).describe("when the device took the fix (the device's clock)"),
});

class ReportPositionsBody extends createZodDto(z.strictObject({ positions: z.array(ReportedPositionSchema).min(1).max(MAX_POSITIONS_PER_REQUEST) })) {}

class ReportPositionsResult extends createZodDto(
  z.object({
    accepted: z.number().int().describe('How many positions were kept'),
    dropped: z.array(z.object({ index: z.number().int().describe('in the request'), reason: z.enum(DROP_REASONS) })),
  }),
) {}

const StoredPositionSchema = RiderPositionSchema.extend({
  accuracy: z.number().describe('metres'),
  receivedAt: z.string().describe('when dispatch received it (the server clock)'),
});

class RiderPositionView extends createZodDto(StoredPositionSchema) {}
class RiderTrail extends createZodDto(z.object({ items: z.array(StoredPositionSchema) })) {}

const shopOfTheRider = z.string().min(1).optional().describe('Operators name the rider’s shop; everyone else reads their own');

class PositionQuery extends createZodDto(z.strictObject({ shopId: shopOfTheRider })) {}

class TrailQuery extends createZodDto(
  z.strictObject({
    shopId: shopOfTheRider,
    since: z.iso.datetime({ offset: true }).optional().describe('Only positions recorded after this'),
    limit: z.coerce.number().int().min(1).max(1000).default(500),
  }),
) {}

/** Where riders are: their phones report positions; their shop's staff and dispatchers look them up. */
@ApiTags('riders')
@ApiErrors(400, 401, 403, 404)
@Controller('riders')
export class RiderPositionsController {
  constructor(private readonly positions: RiderPositionsStore) {}

  @Post('me/positions')
  @Roles('rider')
  @ApiOperation({
    summary: `Report the rider's positions (1–${MAX_POSITIONS_PER_REQUEST}); duplicate, implausible or out-of-order ones are dropped, each with its reason`,
  })
  @ZodResponse({ status: 202, type: ReportPositionsResult })
  async report(@Body() body: ReportPositionsBody, @CurrentPrincipal() principal: Principal) {
    const { accepted, dropped } = await this.positions.report(riderVisibleTo(principal, principal.sub), body.positions, new Date());
    return { accepted: accepted.length, dropped };
  }

  @Get(':riderId/position')
  @Roles('staff', 'dispatcher', 'rider', 'operator')
  @ApiOperation({ summary: "A rider's latest position: for their shop's staff and dispatchers, the rider, and operators" })
  @ZodResponse({ status: 200, type: RiderPositionView })
  async latest(@Param('riderId') riderId: string, @Query() query: PositionQuery, @CurrentPrincipal() principal: Principal) {
    const position = await this.positions.latest(riderVisibleTo(principal, riderId, query.shopId));
    if (!position) throw riderNotFound();
    return position;
  }

  @Get(':riderId/trail')
  @Roles('staff', 'dispatcher', 'rider', 'operator')
  @ApiOperation({ summary: "A rider's recent trail, oldest first (kept RIDER_TRAIL_RETENTION_HOURS)" })
  @ZodResponse({ status: 200, type: RiderTrail })
  async trail(@Param('riderId') riderId: string, @Query() query: TrailQuery, @CurrentPrincipal() principal: Principal) {
    const rider = riderVisibleTo(principal, riderId, query.shopId);
    if (!(await this.positions.latest(rider))) throw riderNotFound();
    return { items: await this.positions.trail(rider, query.since ? new Date(query.since) : undefined, query.limit) };
  }
}

/** Riders are looked up within the caller's shop (an operator's: the one named), so another shop's rider is simply not there. */
function riderVisibleTo(principal: Principal, riderId: string, shopId?: string): RiderRef {
  if (principal.role === 'rider' && principal.sub !== riderId) throw riderNotFound();
  return { shopId: shopInScope(principal, shopId, riderNotFound), riderId };
}

function riderNotFound(): DomainError {
  return new DomainError('not_found', 'RIDER_NOT_FOUND', 'no such rider');
}
