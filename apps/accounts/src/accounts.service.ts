import type { ServiceDefinition } from '@petalpost/platform';
import { type AccountsConfig, accountsConfigSchema } from './accounts.config';
import { AccountsModule } from './accounts.module';
import { API_KEY_SCHEME } from './api-keys';

export const accountsService: ServiceDefinition<AccountsConfig> = {
  name: 'accounts',
  title: 'Petalpost accounts',
  description: 'Shops and their people, invitations, sign-in, sessions, access tokens and their keys (JWKS), API keys for shop systems.',
  securitySchemes: {
    [API_KEY_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'pp_live_…', description: "A shop's API key, exchanged at POST /api-keys/token" },
  },
  configSchema: accountsConfigSchema,
  module: (config, logger) => AccountsModule.forRoot(config, logger),
};
