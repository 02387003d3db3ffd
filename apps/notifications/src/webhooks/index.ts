// The webhooks slice's entry point: shops' subscriptions and their deliveries, its module and its tables.
export { Webhooks1765000000000 } from './webhooks.migration';
export { WebhooksModule } from './webhooks.module';
