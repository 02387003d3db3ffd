import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { federationConfigShape } from './federation';
import { passkeysConfigShape } from './passkeys';
import { peopleConfigShape } from './people';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts')
  .safeExtend(peopleConfigShape)
  .safeExtend(passkeysConfigShape)
  .safeExtend(federationConfigShape);

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
