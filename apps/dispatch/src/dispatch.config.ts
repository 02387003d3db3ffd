import { serviceConfigSchema } from '@petalpost/platform';
import { z } from 'zod';

export const dispatchConfigSchema = serviceConfigSchema.safeExtend({
  DATABASE_SCHEMA: z.string().default('dispatch'),
});

export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;
