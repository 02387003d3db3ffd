import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { assertShopInScope, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, TimeZoneSchema } from '@petalpost/contracts';
import { EventStore, fromRequest, runCommand } from '@petalpost/event-store';
import { answer, ApiCommand, ApiErrors, CommandRequest, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { DeliverySlots } from '../delivery-slots.service';
import { slotPlanDecider, slotPlanStream } from '../domain/delivery-slot';

const date = z.iso.date();

const SlotPlanSchema = z
  .strictObject({
    timeZone: TimeZoneSchema,
    slotMinutes: z.number().int().min(15).max(720).describe('Length of each slot; must divide the day (60, 120, 240 …)'),
    capacity: z.number().int().min(0).max(10_000).describe('Deliveries each slot can take'),
    overrides: z
      .array(z.strictObject({ date, capacity: z.number().int().min(0).max(10_000) }))
      .max(366)
      .default([])
      .describe("Other capacities on given dates (Valentine's, Mother's Day)"),
  })
  .meta({ example: { timeZone: 'Europe/Amsterdam', slotMinutes: 120, capacity: 8, overrides: [{ date: '2026-02-14', capacity: 20 }] } });

class SlotPlanBody extends createZodDto(SlotPlanSchema) {}
class SlotPlanView extends createZodDto(SlotPlanSchema.safeExtend({ shopId: z.string() })) {}
class CurrentSlotPlanView extends createZodDto(
  SlotPlanSchema.safeExtend({ shopId: z.string(), plannedAt: z.string().describe('When the shop last set its plan') }),
) {}
class AvailabilityQuery extends createZodDto(z.strictObject({ date: date.describe('A local date of the shop, YYYY-MM-DD') })) {}
class AvailabilityView extends createZodDto(
  z.object({
    shopId: z.string(),
    date: z.string(),
    slots: z.array(z.object({ slot: z.string(), capacity: z.number().int(), reserved: z.number().int(), available: z.number().int() })),
  }),
) {}

/** A shop's delivery slots: how many deliveries each can take, and how many places are left. */
@ApiTags('delivery slots')
@ApiErrors(400, 401, 403, 404)
@Controller('shops/:shopId/delivery-slots')
export class DeliverySlotsController {
  constructor(
    private readonly store: EventStore,
    private readonly slots: DeliverySlots,
  ) {}

  @Put()
  @Roles('staff', 'operator')
  @ApiCommand("Plan the shop's delivery slots (applies to orders placed from now on)")
  @ZodResponse({ status: 200, type: SlotPlanView })
  async plan(@Param('shopId') shopId: string, @Body() body: SlotPlanBody, @CommandRequest() request: CommandRequest) {
    assertShopInScope(request.principal, shopId);
    const command = { type: 'PlanDeliverySlots' as const, shopId, plan: body, now: new Date().toISOString() };
    const result = await runCommand(this.store, slotPlanDecider, slotPlanStream(shopId), command, fromRequest(request, ['delivery-slots', shopId, body]));
    return answer(request, result, { shopId, ...body });
  }

  // Beside the plan's PUT rather than on it: GET on the collection already answers a date's availability.
  @Get('plan')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "The shop's delivery slot plan as last set: slot length, everyday capacity, the dates with another (404 when it plans no slots)" })
  @ZodResponse({ status: 200, type: CurrentSlotPlanView })
  async currentPlan(@Param('shopId') shopId: string, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    const plan = await this.slots.currentPlan(shopId);
    if (!plan) throw noSlotPlan();
    const { timeZone, slotMinutes, capacity, overrides, plannedAt } = plan;
    return { shopId, timeZone, slotMinutes, capacity, overrides: [...overrides].sort((a, b) => a.date.localeCompare(b.date)), plannedAt };
  }

  @Get()
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: 'The slots of a date with their places taken and left (404 when the shop plans no slots)' })
  @ZodResponse({ status: 200, type: AvailabilityView })
  async availability(@Param('shopId') shopId: string, @Query() query: AvailabilityQuery, @CurrentPrincipal() principal: Principal) {
    assertShopInScope(principal, shopId);
    const plan = await this.slots.plan(shopId);
    if (!plan) throw noSlotPlan();
    return { shopId, date: query.date, slots: await this.slots.availability(shopId, plan, query.date) };
  }
}

const noSlotPlan = () => new DomainError('not_found', 'NO_SLOT_PLAN', 'this shop plans no delivery slots');
