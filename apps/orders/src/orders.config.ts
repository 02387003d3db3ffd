import { riderGraceConfigShape, serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { intakeConfigShape } from './intake/intake.config';
import { importsConfigShape } from './intake/imports/imports.config';
import { platformsConfigShape } from './intake/platforms/platforms.config';
import { writebackConfigShape } from './intake/writeback/writeback.config';
import { personalDataConfigShape } from './personal-data/personal-data.config';

export const ordersConfigSchema = serviceConfigSchemaFor('orders')
  .safeExtend(personalDataConfigShape)
  .safeExtend(riderGraceConfigShape)
  .safeExtend(intakeConfigShape)
  .safeExtend(writebackConfigShape)
  .safeExtend(platformsConfigShape)
  .safeExtend(importsConfigShape);

export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
