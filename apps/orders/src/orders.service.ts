import type { ServiceDefinition } from '@petalpost/platform';
import { type OrdersConfig, ordersConfigSchema } from './orders.config';
import { OrdersModule } from './orders.module';
import { configureIntakeHttp } from './intake/intake.module';

export const ordersService: ServiceDefinition<OrdersConfig> = {
  name: 'orders',
  title: 'Petalpost orders',
  description: 'The order aggregate: place, accept and cancel orders; every change is an event in the order log.',
  configSchema: ordersConfigSchema,
  module: (config, logger) => OrdersModule.forRoot(config, logger),
  configure: configureIntakeHttp,
};
