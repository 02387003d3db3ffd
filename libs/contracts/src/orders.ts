import { z } from 'zod';
import { defineEvent } from './integration-event';

/** Integration events of the orders service, published on `orders.events`. */

export const OrderStatusSchema = z.enum(['placed', 'accepted', 'rejected', 'cancelled']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderItemSchema = z.object({
  sku: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(999),
});

export const DeliveryWindowSchema = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .refine((w) => Date.parse(w.from) < Date.parse(w.to), { message: 'window must end after it starts' });

export const OrderPlacedV1 = defineEvent(
  'OrderPlaced',
  1,
  z.object({
    orderId: z.string(),
    shopId: z.string(),
    reference: z.string().optional(),
    items: z.array(OrderItemSchema).min(1),
    deliveryWindow: DeliveryWindowSchema,
    placedAt: z.iso.datetime({ offset: true }),
  }),
);

export const OrderAcceptedV1 = defineEvent(
  'OrderAccepted',
  1,
  z.object({ orderId: z.string(), shopId: z.string(), acceptedAt: z.iso.datetime({ offset: true }) }),
);

export const OrderCancelledV1 = defineEvent(
  'OrderCancelled',
  1,
  z.object({ orderId: z.string(), shopId: z.string(), reason: z.string(), cancelledAt: z.iso.datetime({ offset: true }) }),
);

export const ORDER_EVENT_CONTRACTS = [OrderPlacedV1, OrderAcceptedV1, OrderCancelledV1] as const;
