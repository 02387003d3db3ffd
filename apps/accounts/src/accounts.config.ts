import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { peopleConfigShape } from './people';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts').safeExtend(peopleConfigShape);

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
