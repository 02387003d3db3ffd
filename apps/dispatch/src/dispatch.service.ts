import type { ServiceDefinition } from '@petalpost/platform';
import { type DispatchConfig, dispatchConfigSchema } from './dispatch.config';
import { DispatchModule } from './dispatch.module';

export const dispatchService: ServiceDefinition<DispatchConfig> = {
  name: 'dispatch',
  title: 'Petalpost dispatch',
  description: 'Riders, assignments and routes. Today: the delivery board of each shop, kept from order events.',
  configSchema: dispatchConfigSchema,
  module: (config, logger) => DispatchModule.forRoot(config, logger),
};
