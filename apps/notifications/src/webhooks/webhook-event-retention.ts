import { type RetentionOptions, retentionSweep } from '@petalpost/platform';
import type { WebhooksConfig } from './webhooks.config';
import { WEBHOOKS_CONFIG } from './webhooks.tokens';

export const WEBHOOK_EVENT_RETENTION = Symbol('WEBHOOK_EVENT_RETENTION');

/**
 * Webhook events received more than WEBHOOK_EVENT_RETENTION_DAYS ago are forgotten with their
 * deliveries (dead letters too, by cascade) — except an event still waiting to be delivered somewhere.
 */
export function webhookEventRetentionOf(config: Pick<WebhooksConfig, 'WEBHOOK_EVENT_RETENTION_DAYS'>): RetentionOptions {
  return {
    table: 'webhook_events',
    timeColumn: 'received_at',
    retentionMs: config.WEBHOOK_EVENT_RETENTION_DAYS * 86_400_000,
    task: 'webhook-event-retention',
    keep: `EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.event_id AND d.status = 'pending')`,
  };
}

export const webhookEventRetention = retentionSweep(WEBHOOK_EVENT_RETENTION, webhookEventRetentionOf, [WEBHOOKS_CONFIG]);
