import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts');

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
