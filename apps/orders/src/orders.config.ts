import { serviceConfigSchema } from '@petalpost/platform';
import { z } from 'zod';

export const ordersConfigSchema = serviceConfigSchema.safeExtend({
  DATABASE_SCHEMA: z.string().default('orders'),
});

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
