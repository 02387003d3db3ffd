import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@petalpost/platform';
import { DeadLettersController } from './api/dead-letters.controller';
import { WebhooksController } from './api/webhooks.controller';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { webhookEventRetention } from './webhook-event-retention';
import { webhookEventsConsumer } from './consumers/webhook-events.consumer';
import { WebhookSubscriptions } from './webhook-subscriptions.service';
import { webhooksConfigOf } from './webhooks.config';
import { WEBHOOKS_CONFIG } from './webhooks.tokens';

/**
 * Webhooks for shop systems: shops register endpoints; each event of theirs is queued for the
 * endpoints that want it (in the consumer's transaction), then delivered signed, retried with
 * backoff and parked as a dead letter after the last attempt. See docs/notifications.md.
 */
@Module({
  controllers: [WebhooksController, DeadLettersController],
  providers: [
    // The service's config, as the slice reads it: the service's schema must include webhooksConfigShape.
    { provide: WEBHOOKS_CONFIG, inject: [SERVICE_CONFIG], useFactory: webhooksConfigOf },
    WebhookSubscriptions,
    WebhookDeliveryWorker,
    webhookEventRetention,
    webhookEventsConsumer,
  ],
})
export class WebhooksModule {}
