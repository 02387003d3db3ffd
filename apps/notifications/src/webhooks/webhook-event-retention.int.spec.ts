import { randomUUID } from 'node:crypto';
import { createLogger, RetentionSweep } from '@petalpost/platform';
import { createTestDatabase, type TestDatabase } from '@petalpost/testing';
import { webhookEventRetentionOf } from './webhook-event-retention';
import { Webhooks1765000000000 } from './webhooks.migration';

describe('forgetting webhook events past their retention (real PostgreSQL)', () => {
  let db: TestDatabase;
  let sweep: RetentionSweep;
  const subscriptionId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'webhook_retention', migrations: [Webhooks1765000000000] });
    sweep = new RetentionSweep(db.dataSource, createLogger('webhook-retention-spec', 'silent'), webhookEventRetentionOf({ WEBHOOK_EVENT_RETENTION_DAYS: 30 }));
    await db.dataSource.query(
      `INSERT INTO webhook_subscriptions (subscription_id, shop_id, url, event_types, secret) VALUES ($1, 's1', 'https://shop.example/hooks', '{}', 'secret')`,
      [subscriptionId],
    );
  });

  afterAll(() => db.drop());

  async function event(daysAgo: number, delivery?: 'pending' | 'delivered' | 'dead'): Promise<string> {
    const eventId = randomUUID();
    await db.dataSource.query(
      `INSERT INTO webhook_events (event_id, shop_id, event_type, stream_id, occurred_at, received_at, envelope)
       VALUES ($1, 's1', 'OrderPlaced', 'order-1', now(), now() - make_interval(days => $2), '{}')`,
      [eventId, daysAgo],
    );
    if (delivery) {
      await db.dataSource.query(
        `INSERT INTO webhook_deliveries (delivery_id, subscription_id, shop_id, event_id, event_type, cause, status, next_attempt_at)
         VALUES ($1, $2, 's1', $3, 'OrderPlaced', 'event', $4, now())`,
        [randomUUID(), subscriptionId, eventId, delivery],
      );
    }
    return eventId;
  }

  it('forgets old events with their deliveries and dead letters, and keeps recent ones and those still pending', async () => {
    const recent = await event(29, 'delivered');
    const pending = await event(40, 'pending');
    await event(40, 'delivered');
    await event(31, 'dead');
    await event(31);

    expect(await sweep.sweep()).toBe(3);

    const events = await db.dataSource.query<Array<{ event_id: string }>>(`SELECT event_id FROM webhook_events`);
    expect(events.map((e) => e.event_id).sort()).toEqual([recent, pending].sort());
    const deliveries = await db.dataSource.query<Array<{ event_id: string }>>(`SELECT event_id FROM webhook_deliveries`);
    expect(deliveries.map((d) => d.event_id).sort()).toEqual([recent, pending].sort());
  });
});
