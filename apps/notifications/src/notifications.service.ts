import { SERVICE_CONFIG, type ServiceDefinition } from '@petalpost/platform';
import { type NotificationsConfig, notificationsConfigSchema } from './notifications.config';
import { NotificationsModule } from './notifications.module';
import { STREAM_TICKET, PushWsAdapter } from './inbox';
import { serveTrackingAssets } from './tracking';

export const notificationsService: ServiceDefinition<NotificationsConfig> = {
  name: 'notifications',
  title: 'Petalpost notifications',
  description:
    'Live updates for every party, scoped by role: connect to /ws?access_token=<token>[&cursor=<cursor>] (or GET /sse) for a JSON stream of the notifications you may see, resumable from the cursor of the last one (docs/notifications.md).',
  securitySchemes: { [STREAM_TICKET.name]: STREAM_TICKET.scheme },
  configSchema: notificationsConfigSchema,
  module: (config, logger) => NotificationsModule.forRoot(config, logger),
  configure: (app) => {
    app.useWebSocketAdapter(new PushWsAdapter(app, app.get<NotificationsConfig>(SERVICE_CONFIG).PUSH_MAX_FRAME_BYTES));
    serveTrackingAssets(app);
  },
};
