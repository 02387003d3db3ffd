import type { ServiceDefinition } from '@petalpost/platform';
import { type MessagingConfig, messagingConfigSchema } from './messaging.config';
import { MessagingModule } from './messaging.module';

export const messagingService: ServiceDefinition<MessagingConfig> = {
  name: 'messaging',
  title: 'Petalpost messaging',
  description: 'Per-order conversations with role-scoped channels and @mentions, shop channels, exception reports and attachments.',
  configSchema: messagingConfigSchema,
  module: (config, logger) => MessagingModule.forRoot(config, logger),
};
