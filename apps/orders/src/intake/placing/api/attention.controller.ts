import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { actorOf, CurrentPrincipal, type Principal, Roles, shopInScope } from '@petalpost/auth';
import { AddressTypeSchema, CARD_MESSAGE_MAX, DeliveryWindowSchema, GeoPointSchema, OrderItemSchema } from '@petalpost/contracts';
import { ApiErrors, createZodDto } from '@petalpost/platform';
import { ZodResponse } from 'nestjs-zod';
import { z } from 'zod';
import { PersonalDataVault } from '../../../personal-data/personal-data-vault';
import type { IntakeOrder } from '../../domain/intake-order';
import { IntakeOrdersStore } from '../intake-orders.store';
import { IntakePlacer } from '../intake-placer.service';

const ShopQuerySchema = z.strictObject({ shopId: z.string().min(1).max(64).optional().describe('Operators: the shop acted for') });
class ShopQuery extends createZodDto(ShopQuerySchema) {}
class AttentionQuery extends createZodDto(ShopQuerySchema.extend({ limit: z.coerce.number().int().min(1).max(500).default(100) })) {}

const HeldItemSchema = z.object({
  intakeId: z.string(),
  source: z.string(),
  externalRef: z.string(),
  reason: z
    .string()
    .describe(
      'missing_delivery_date, missing_address, missing_recipient, missing_items, missing_buyer, slot_full, refused, unclear_note (with what was refused)',
    ),
  receivedAt: z.string(),
  summary: z
    .object({
      displayRef: z.string().optional(),
      buyerName: z.string().optional(),
      recipientName: z.string().optional(),
      address: z.string().optional(),
      items: z.array(OrderItemSchema),
      deliveryWindow: z.object({ from: z.string(), to: z.string(), timeZone: z.string().optional() }).optional(),
      deliveryText: z.string().optional().describe('What the shop system said about the date, as it said it'),
      note: z.string().optional(),
      review: z.string().optional().describe('What could not be read with certainty (unclear_note): staff decide'),
    })
    .describe('What the shop system sent, opened for staff; absent once the people in it were erased'),
});
class AttentionList extends createZodDto(z.object({ items: z.array(HeldItemSchema) })) {}

class PlaceHeldBody extends createZodDto(
  z
    .strictObject({
      deliveryWindow: DeliveryWindowSchema.optional().describe('The window agreed with the buyer (required when the order had no date)'),
      recipient: z
        .strictObject({
          name: z.string().min(1).max(200),
          phone: z.string().min(3).max(40).optional(),
          addressType: AddressTypeSchema.default('residence'),
          address: z.strictObject({
            text: z.string().min(1).max(500),
            geo: GeoPointSchema.strict().optional(),
            ward: z.string().min(1).max(100).optional(),
            room: z.string().min(1).max(50).optional(),
            notes: z.string().min(1).max(500).optional(),
          }),
        })
        .optional()
        .describe('The recipient and address (required when the order had none)'),
      cardMessage: z.string().min(1).max(CARD_MESSAGE_MAX).optional().describe("The card's words, as staff read them from an unclear note"),
      anonymousSender: z.boolean().optional().describe('Whether the sender stays unnamed, as staff read it from an unclear note'),
    })
    .meta({
      example: { deliveryWindow: { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00', timeZone: 'Europe/Amsterdam' } },
    }),
) {}
class DismissBody extends createZodDto(z.strictObject({ reason: z.string().min(1).max(500) }).meta({ example: { reason: 'Test order from the web shop' } })) {}
class IntakeResultView extends createZodDto(
  z.object({
    outcome: z.enum(['placed', 'updated', 'duplicate', 'stale', 'needs_attention', 'cancelled']),
    intakeId: z.string().optional(),
    orderId: z.string().optional(),
    reason: z.string().optional(),
  }),
) {}

/**
 * Orders from the shop's systems that could not be placed as they came (no date, no address, a
 * full slot): staff see them, and place one by giving what it lacked, or dismiss it. Placing goes
 * through IntakePlacer like every other intake; a full slot is refused to staff (409), who choose
 * another window.
 */
@ApiTags('intake')
@ApiErrors(400, 401, 403, 404)
@Controller('intake/attention')
export class AttentionController {
  constructor(
    private readonly intakeOrders: IntakeOrdersStore,
    private readonly placer: IntakePlacer,
    private readonly vault: PersonalDataVault,
  ) {}

  @Get()
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Orders from shop systems waiting for staff, oldest first, with why they wait and what they say' })
  @ZodResponse({ status: 200, type: AttentionList })
  async list(@Query() query: AttentionQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const rows = await this.intakeOrders.needingAttention(shopId, query.limit);
    const opened = await this.vault.openAll<IntakeOrder>(rows.flatMap((row) => (row.held ? [row.held] : [])));
    let next = 0;
    return {
      items: rows.map((row) => {
        const order = row.held ? opened[next++] : undefined;
        return {
          intakeId: row.intakeId,
          source: row.source,
          externalRef: row.externalRef,
          reason: row.reason ?? 'unknown',
          receivedAt: row.receivedAt,
          summary: summaryOf(order),
        };
      }),
    };
  }

  @Post(':intakeId/place')
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Place a held order with what it lacked (a window, the recipient); 409 SLOT_FULL when that slot is full' })
  @ApiErrors(409)
  @ZodResponse({ status: 201, type: IntakeResultView })
  place(@Param('intakeId', ParseUUIDPipe) intakeId: string, @Body() body: PlaceHeldBody, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    const additions: Partial<IntakeOrder> = {
      ...(body.deliveryWindow ? { deliveryWindow: body.deliveryWindow } : {}),
      ...(body.recipient ? { recipient: body.recipient } : {}),
      ...(body.cardMessage !== undefined ? { cardMessage: body.cardMessage } : {}),
      ...(body.anonymousSender !== undefined ? { anonymousSender: body.anonymousSender } : {}),
    };
    return this.placer.placeHeld(shopId, intakeId, additions, actorOf(principal));
  }

  @Post(':intakeId/dismiss')
  @HttpCode(200)
  @Roles('staff', 'operator')
  @ApiOperation({ summary: 'Dismiss a held order: it is not to be made (a test order, one placed by hand already)' })
  @ApiErrors(409)
  @ZodResponse({ status: 200, type: IntakeResultView })
  dismiss(@Param('intakeId', ParseUUIDPipe) intakeId: string, @Body() body: DismissBody, @Query() query: ShopQuery, @CurrentPrincipal() principal: Principal) {
    const shopId = shopInScope(principal, query.shopId);
    return this.placer.dismissHeld(shopId, intakeId, body.reason, actorOf(principal));
  }
}

function summaryOf(order: IntakeOrder | undefined) {
  if (!order) return { items: [] };
  return {
    ...(order.displayRef ? { displayRef: order.displayRef } : {}),
    ...(order.buyer ? { buyerName: order.buyer.name } : {}),
    ...(order.recipient?.name ? { recipientName: order.recipient.name } : {}),
    ...(order.recipient?.address ? { address: order.recipient.address.text } : {}),
    items: order.items,
    ...(order.deliveryWindow ? { deliveryWindow: order.deliveryWindow } : {}),
    ...(order.deliveryText ? { deliveryText: order.deliveryText } : {}),
    ...(order.note ? { note: order.note } : {}),
    ...(order.review ? { review: order.review } : {}),
  };
}
