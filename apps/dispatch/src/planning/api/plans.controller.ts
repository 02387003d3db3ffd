import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { DomainError, GeoPointSchema, PlannedRouteSchema, UnplannedOrderSchema } from '@petalpost/contracts';
import { EventStore, fromRequest, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, createZodDto, EmptyBody, ianaTimeZone } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { type DispatchSettings, dispatchSettingsDecider, dispatchSettingsStream } from '../domain/plan.decider';
import { Planner } from '../planner';

class ShopQuery extends createZodDto(
  z.strictObject({ shopId: z.string().min(1).optional().describe('Operators choose a shop; everyone else acts on their own') }),
) {}

class SettingsBody extends createZodDto(
  z.strictObject({
    autoApply: z.boolean().describe('Apply every plan dispatch proposes, without a dispatcher'),
    atRiskMarginMinutes: z.number().int().min(0).max(240).optional().describe('An ETA later than the window’s end minus this is at risk (default 15)'),
    serviceMinutes: z.number().int().min(0).max(60).optional().describe('Minutes at the door per delivery (default 5)'),
    depot: GeoPointSchema.optional().describe('Where the shop is: every trip starts and ends there'),
    timeZone: ianaTimeZone.optional().describe('The shop’s IANA time zone (default: the service’s DISPATCH_TIME_ZONE)'),
  }),
) {}

const SettingsViewSchema = z.object({
  shopId: z.string(),
  autoApply: z.boolean(),
  atRiskMarginMinutes: z.number().int(),
  serviceMinutes: z.number().int(),
  depot: GeoPointSchema.optional(),
  timeZone: z.string().optional(),
});
class SettingsView extends createZodDto(SettingsViewSchema) {}

class ProposeBody extends createZodDto(
  z.strictObject({ depot: GeoPointSchema.optional().describe('Plan from here instead of the shop’s configured location') }),
) {}

const PlanViewSchema = z.object({
  planId: z.string(),
  shopId: z.string(),
  trigger: z.string().describe('`dispatcher:<id>`, or the event that made the last plan stale'),
  solver: z.string(),
  routes: z.array(PlannedRouteSchema),
  unplanned: z
    .array(UnplannedOrderSchema)
    .describe('Orders left out, each with why: no-coordinates, no-rider-on-shift, window-unreachable, rider-vehicle-broken, …'),
  distanceMeters: z.number(),
  proposedAt: z.string(),
  appliedAt: z.string().optional(),
  appliedAutomatically: z.boolean().optional(),
});
class PlanView extends createZodDto(PlanViewSchema) {}

class ApplyView extends createZodDto(
  z.object({
    planId: z.string(),
    appliedNow: z.boolean().describe('False when the plan had been applied already: nothing was asked again'),
    requested: z.array(z.object({ orderId: z.string(), riderId: z.string() })).describe('Assignments asked of the orders service'),
    skipped: z.array(z.object({ orderId: z.string(), reason: z.string() })).describe('Orders that could not change hands any more'),
  }),
) {}

/**
 * Auto-dispatch of a shop: its settings, its plans, and applying one. A retry with the same
 * Idempotency-Key changes nothing: settings and proposals answer what the first request led to;
 * applying answers that the plan had been applied already (appliedNow false), as any second apply.
 */
@ApiTags('plans')
@ApiErrors(400, 401, 403, 404)
@Controller()
export class PlansController {
  constructor(
    private readonly planner: Planner,
    private readonly store: EventStore,
  ) {}

  @Put('dispatch-settings')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiCommand('Set how dispatch plans for the shop; settings left out take their defaults')
  @ZodResponse({ status: 200, type: SettingsView })
  async configure(@Query() query: ShopQuery, @Body() body: SettingsBody, @CommandRequest() request: CommandRequest) {
    const shopId = shopInScope(request.principal, query.shopId);
    const result = await runCommand(
      this.store,
      dispatchSettingsDecider,
      dispatchSettingsStream(shopId),
      { type: 'ConfigureDispatch', shopId, ...body, now: new Date().toISOString() },
      fromRequest(request, ['dispatch-settings', shopId, body]),
    );
    return answer(request, result, settingsView(shopId, result.state));
  }

  @Get('dispatch-settings')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiOperation({ summary: 'How dispatch plans for the shop' })
  @ZodResponse({ status: 200, type: SettingsView })
  async settings(@Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    return settingsView(shopId, await this.planner.settings(shopId));
  }

  @Post('plans')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiCommand('Propose a plan for the shop’s open deliveries now')
  @ApiErrors(409)
  @ZodResponse({ status: 201, type: PlanView })
  async propose(@Query() query: ShopQuery, @Body() body: ProposeBody, @CommandRequest() request: CommandRequest) {
    const shopId = shopInScope(request.principal, query.shopId);
    const cause = fromRequest(request, ['plans', shopId, body]);
    const { plan, result } = await this.planner.propose(shopId, `dispatcher:${request.principal.sub}`, { depot: body.depot, cause });
    return answer(request, result, plan);
  }

  @Get('plans/latest')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiOperation({ summary: 'The shop’s latest plan of today (its local day), and whether it was applied; 404 before its first plan of the day' })
  @ZodResponse({ status: 200, type: PlanView })
  async latest(@Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const latest = await this.planner.latest(shopId);
    if (!latest) throw new DomainError('not_found', 'PLAN_NOT_FOUND', 'the shop has no plan today');
    return latest;
  }

  @Post('plans/:planId/apply')
  @Roles('dispatcher', 'staff', 'operator')
  @ApiCommand('Apply the shop’s latest plan of today: each order the plan gives another rider is assigned to them (409 for any other plan)')
  @ApiErrors(409)
  @ZodResponse({ status: 200, type: ApplyView })
  async apply(@Param('planId') planId: string, @Body() _body: EmptyBody, @Query() query: ShopQuery, @CommandRequest() request: CommandRequest) {
    const shopId = shopInScope(request.principal, query.shopId);
    const { outcome, result } = await this.planner.apply(shopId, planId, false, fromRequest(request, ['plans-apply', shopId, planId]));
    return answer(request, result, outcome);
  }
}

function settingsView(shopId: string, settings: DispatchSettings): z.infer<typeof SettingsViewSchema> {
  return { shopId, ...settings };
}
