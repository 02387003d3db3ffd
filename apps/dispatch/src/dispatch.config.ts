import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { etaConfigShape } from './eta/eta.config';
import { planningConfigShape } from './planning/planning.config';
import { positionsConfigShape } from './positions/positions.config';

export const dispatchConfigSchema = serviceConfigSchemaFor('dispatch')
  .safeExtend(positionsConfigShape)
  .safeExtend(etaConfigShape)
  .safeExtend(planningConfigShape);

export type DispatchConfig = z.infer<typeof dispatchConfigSchema>;
