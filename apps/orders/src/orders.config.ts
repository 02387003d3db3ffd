import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { personalDataConfigShape } from './personal-data/personal-data.config';

export const ordersConfigSchema = serviceConfigSchemaFor('orders').safeExtend(personalDataConfigShape);

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
