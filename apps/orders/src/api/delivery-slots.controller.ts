import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, canSeeShop, CurrentPrincipal, type Principal, Roles } from '@petalpost/auth';
import { DomainError, TimeZoneSchema } from '@petalpost/contracts';
import { EventStore, handleCommand } from '@petalpost/event-store';
import { ApiErrorResponses, currentContext } from '@petalpost/platform';
import { randomUUID } from 'node:crypto';
import { createZodDto, ZodResponse } from 'nestjs-zod';
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
@ApiBearerAuth()
@ApiErrorResponses(400, 401, 403, 404)
@Controller('shops/:shopId/delivery-slots')
export class DeliverySlotsController {
  constructor(
    private readonly store: EventStore,
    private readonly slots: DeliverySlots,
  ) {}

  @Put()
  @Roles('staff', 'operator')
  @ApiOperation({ summary: "Plan the shop's delivery slots (applies to orders placed from now on)" })
  @ZodResponse({ status: 200, type: SlotPlanView })
  async plan(@Param('shopId') shopId: string, @Body() body: SlotPlanBody, @CurrentPrincipal() principal: Principal) {
    assertShop(principal, shopId);
    const context = currentContext();
    const now = new Date().toISOString();
    await handleCommand(this.store, slotPlanDecider, {
      streamId: slotPlanStream(shopId),
      command: { type: 'PlanDeliverySlots', shopId, plan: body, now },
      metadata: {
        correlationId: context?.correlationId ?? randomUUID(),
        traceparent: context?.traceparent,
        actor: actorOf(principal),
        occurredAt: now,
      },
    });
    return { shopId, ...body };
  }

  @Get()
  @Roles('staff', 'dispatcher', 'operator')
  @ApiOperation({ summary: 'The slots of a date with their places taken and left (404 when the shop plans no slots)' })
  @ZodResponse({ status: 200, type: AvailabilityView })
  async availability(@Param('shopId') shopId: string, @Query() query: AvailabilityQuery, @CurrentPrincipal() principal: Principal) {
    assertShop(principal, shopId);
    const plan = await this.slots.plan(shopId);
    if (!plan) throw new DomainError('not_found', 'NO_SLOT_PLAN', 'this shop plans no delivery slots');
    return { shopId, date: query.date, slots: await this.slots.availability(shopId, plan, query.date) };
  }
}

function assertShop(principal: Principal, shopId: string): void {
  if (!canSeeShop(principal, shopId)) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
}
