import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { positionsConfigShape } from './positions/positions.config';

export const dispatchConfigSchema = serviceConfigSchemaFor('dispatch').safeExtend(positionsConfigShape);

export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;
