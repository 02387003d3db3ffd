import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';

export const dispatchConfigSchema = serviceConfigSchemaFor('dispatch');

export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;
