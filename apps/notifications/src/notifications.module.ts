import { type DynamicModule, Module } from '@nestjs/common';
import { inboxMigration, KafkaModule } from '@petalpost/kafka';
import { LOGGER, PlatformModule } from '@petalpost/platform';
import type { Logger } from 'pino';
import { Acks } from './acks/acks.service';
import { CriticalResender } from './acks/critical-resender';
import { ESCALATION_CHANNEL, escalationChannelFor } from './acks/escalation-channel';
import { EscalationSweep } from './acks/escalation-sweep';
import { NotificationsController } from './acks/notifications.controller';
import { integrationEventsConsumer } from './consumers/integration-events.consumer';
import { DeliveriesOnTheRoad } from './delivery/deliveries-on-the-road';
import { InboxFanout } from './delivery/inbox-fanout';
import { INBOX_CHANNELS, inboxChannels } from './inbox/channels';
import { InboxListener } from './inbox/inbox-listener';
import { NotificationInbox1764000000600 } from './inbox/inbox.migration';
import { inboxRetention } from './inbox/inbox-retention';
import { InboxStore } from './inbox/inbox.store';
import { InboxWriter } from './inbox/inbox-writer';
import type { NotificationsConfig } from './notifications.config';
import { PositionsModule } from './positions/positions.module';
import { PreferencesController } from './preferences/preferences.controller';
import { PreferencesStore } from './preferences/preferences.store';
import { PushGateway } from './push/push.gateway';
import { SseController } from './push/sse.controller';
import { TrackingConversation1766000000000 } from './tracking/tracking-conversation.migration';
import { Tracking1764000001000 } from './tracking/tracking.migration';
import { TrackingModule } from './tracking/tracking.module';
import { Webhooks1765000000000 } from './webhooks/webhooks.migration';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The notifications service: consumes what happened and tells each party what they may see. */
@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig, logger: Logger): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        PlatformModule.forService({
          config,
          logger,
          database: {
            schema: config.DATABASE_SCHEMA,
            migrations: [inboxMigration(), NotificationInbox1764000000600, Tracking1764000001000, Webhooks1765000000000, TrackingConversation1766000000000],
          },
        }),
        KafkaModule.forService('notifications', config, logger),
        PositionsModule,
        TrackingModule,
        WebhooksModule,
      ],
      controllers: [SseController, NotificationsController, PreferencesController],
      providers: [
        { provide: INBOX_CHANNELS, useValue: inboxChannels(config.DATABASE_SCHEMA) },
        { provide: ESCALATION_CHANNEL, inject: [LOGGER], useFactory: (log: Logger) => escalationChannelFor(config.ESCALATION_CHANNEL, log) },
        InboxListener,
        InboxWriter,
        InboxStore,
        inboxRetention,
        PreferencesStore,
        DeliveriesOnTheRoad,
        InboxFanout,
        Acks,
        CriticalResender,
        EscalationSweep,
        PushGateway,
        integrationEventsConsumer,
      ],
    };
  }
}
