import type { ServiceDefinition } from '@petalpost/platform';
import { type AccountsConfig, accountsConfigSchema } from './accounts.config';
import { AccountsModule } from './accounts.module';

export const accountsService: ServiceDefinition<AccountsConfig> = {
  name: 'accounts',
  title: 'Petalpost accounts',
  description: 'Shops and their people, invitations, sign-in, sessions, access tokens and their keys (JWKS), API keys for shop systems.',
  configSchema: accountsConfigSchema,
  module: (config, logger) => AccountsModule.forRoot(config, logger),
};
