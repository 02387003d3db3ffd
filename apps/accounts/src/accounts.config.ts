import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { keysConfigShape } from './keys';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts').safeExtend(keysConfigShape);

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
