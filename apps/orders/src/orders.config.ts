import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';

export const ordersConfigSchema = serviceConfigSchemaFor('orders');

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
