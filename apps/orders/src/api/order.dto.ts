import { DeliveryWindowSchema, OrderItemSchema, OrderStatusSchema } from '@petalpost/contracts';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Unknown fields are refused (strict objects): a typo must not silently drop data. */
export class PlaceOrderBody extends createZodDto(
  z
    .strictObject({
      shopId: z.string().min(1).max(64).optional().describe('Required for operators; staff place orders for their own shop'),
      reference: z.string().min(1).max(100).optional().describe("The shop's own order number"),
      items: z.array(OrderItemSchema.strict()).min(1).max(50),
      deliveryWindow: DeliveryWindowSchema,
    })
    .meta({
      example: {
        reference: 'WEB-1042',
        items: [{ sku: 'ROSE-12', name: 'Twelve red roses', quantity: 1 }],
        deliveryWindow: { from: '2026-02-14T13:00:00+01:00', to: '2026-02-14T15:00:00+01:00' },
      },
    }),
) {}

export class CancelOrderBody extends createZodDto(z.strictObject({ reason: z.string().min(1).max(500) })) {}

export const OrderViewSchema = z
  .object({
    orderId: z.string(),
    shopId: z.string(),
    status: OrderStatusSchema,
    reference: z.string().optional(),
    items: z.array(OrderItemSchema),
    deliveryWindow: z.object({ from: z.string(), to: z.string() }),
    placedAt: z.string(),
    acceptedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
    cancelReason: z.string().optional(),
    version: z.number().int(),
  });

export class OrderView extends createZodDto(OrderViewSchema) {}

export class OrderAsOfQuery extends createZodDto(
  z.strictObject({
    asOf: z.iso.datetime({ offset: true }).optional().describe('The order as it was at this time (for audits)'),
  }),
) {}

export class OrderHistory extends createZodDto(
  z.object({
    items: z.array(
      z.object({
        version: z.number().int(),
        type: z.string(),
        occurredAt: z.string(),
        recordedAt: z.string(),
        actor: z.object({ role: z.string(), subject: z.string(), shopId: z.string().optional() }).optional(),
        correlationId: z.string(),
        data: z.unknown(),
      }),
    ),
  }),
) {}
