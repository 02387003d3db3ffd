import { type DynamicModule, Module } from '@nestjs/common';
import { serviceFoundation } from '@petalpost/event-store';
import { LOGGER } from '@petalpost/platform';
import type { Logger } from 'pino';
import {
  Acks,
  criticalResender,
  DeliveriesOnTheRoad,
  ESCALATION_CHANNEL,
  escalationChannelFor,
  escalationSweep,
  InboxFanout,
  InboxListener,
  inboxRetention,
  InboxStore,
  InboxWriter,
  integrationEventsConsumer,
  NotificationInbox1764000000600,
  NotificationsController,
  PushGateway,
  SseController,
  StreamTicketStore,
  StreamTickets1768000000000,
  StreamTicketsController,
} from './inbox';
import { INBOX_CHANNELS, inboxChannels } from './notifications.channels';
import type { NotificationsConfig } from './notifications.config';
import { PositionsModule } from './positions';
import { PreferencesController, PreferencesStore } from './preferences';
import { Tracking1764000001000, TrackingConversation1766000000000, TrackingLinks1767000000000, TrackingModule } from './tracking';
import { Webhooks1765000000000, WebhooksModule } from './webhooks';

/** The notifications service: consumes what happened and tells each party what they may see. */
@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig, logger: Logger): DynamicModule {
    // Not event-sourced: it keeps what it was told, not a log of its own.
    const foundation = serviceFoundation('notifications', config, logger, {
      migrations: [
        NotificationInbox1764000000600,
        Tracking1764000001000,
        Webhooks1765000000000,
        TrackingConversation1766000000000,
        TrackingLinks1767000000000,
        StreamTickets1768000000000,
      ],
      eventLog: false,
    });
    return {
      module: NotificationsModule,
      imports: [...foundation.imports, PositionsModule, TrackingModule, WebhooksModule],
      controllers: [SseController, StreamTicketsController, NotificationsController, PreferencesController],
      providers: [
        ...foundation.providers,
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
        criticalResender,
        escalationSweep,
        PushGateway,
        StreamTicketStore,
        integrationEventsConsumer,
      ],
    };
  }
}
