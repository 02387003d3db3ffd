import { WsAdapter } from '@nestjs/platform-ws';
import type { ServiceDefinition } from '@petalpost/platform';
import { type NotificationsConfig, notificationsConfigSchema } from './notifications.config';
import { NotificationsModule } from './notifications.module';

export const notificationsService: ServiceDefinition<NotificationsConfig> = {
  name: 'notifications',
  title: 'Petalpost notifications',
  description: 'Live updates for every party, scoped by role: connect to /ws?access_token=<token> for a JSON stream of the events you may see.',
  configSchema: notificationsConfigSchema,
  module: (config, logger) => NotificationsModule.forRoot(config, logger),
  configure: (app) => app.useWebSocketAdapter(new WsAdapter(app)),
};
