import { serviceConfigSchemaFor } from '@petalpost/platform';
import type { z } from 'zod';
import { apiKeysConfigShape } from './api-keys';
import { federationConfigShape } from './federation';
import { keysConfigShape } from './keys';
import { passkeysConfigShape } from './passkeys';
import { peopleConfigShape } from './people';
import { sessionsConfigShape } from './sessions';

export const accountsConfigSchema = serviceConfigSchemaFor('accounts')
  .safeExtend(peopleConfigShape)
  .safeExtend(keysConfigShape)
  .safeExtend(sessionsConfigShape)
  .safeExtend(apiKeysConfigShape)
  .safeExtend(passkeysConfigShape)
  .safeExtend(federationConfigShape);

export type AccountsConfig = z.infer<typeof accountsConfigSchema>;
