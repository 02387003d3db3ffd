import type { z } from 'zod';
import type { OrderAcceptedV1, OrderCancelledV1, OrderPlacedV1 } from '@petalpost/contracts';

/** Facts of an order's life, in the past tense. Their data is the published contract's. */
export type OrderPlaced = { type: 'OrderPlaced'; data: z.infer<typeof OrderPlacedV1.schema> };
export type OrderAccepted = { type: 'OrderAccepted'; data: z.infer<typeof OrderAcceptedV1.schema> };
export type OrderCancelled = { type: 'OrderCancelled'; data: z.infer<typeof OrderCancelledV1.schema> };

export type OrderEvent = OrderPlaced | OrderAccepted | OrderCancelled;

/** One stream per order. */
export function orderStream(orderId: string): string {
  return `order-${orderId}`;
}
