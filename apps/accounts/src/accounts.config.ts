import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { federationConfigShape } from './federation';
import { passkeysConfigShape } from './passkeys';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts').safeExtend(passkeysConfigShape).safeExtend(federationConfigShape);

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
