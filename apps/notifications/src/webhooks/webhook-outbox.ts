import { randomUUID } from 'node:crypto';
import type { IntegrationEvent } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import { matchesEventType } from './domain/webhook-event-types';

export type DeliveryCause = 'event' | 'replay';

/**
 * Runs in the consumer's transaction (so exactly once per event): keeps the event for replays and
 * queues one delivery per enabled subscription of its shop that wants its type. The NOTIFY is sent
 * on commit and wakes the delivery workers at once.
 */
export async function queueWebhooks(db: EntityManager, received: IntegrationEvent, wakeUpChannel: string): Promise<number> {
  const event = await withoutErasedPeople(db, received);
  const kept = await db.query<unknown[]>(
    `INSERT INTO webhook_events (event_id, shop_id, event_type, stream_id, occurred_at, envelope)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [event.eventId, event.shopId, event.type, event.streamId, event.metadata.occurredAt, JSON.stringify(event)],
  );
  // Seen before (say, re-published by a relay): its deliveries were queued then.
  if (kept.length === 0) return 0;
  if (event.type === 'PersonalDataErased') await forgetPerson(db, event.shopId, (event.data as { personId: string }).personId);

  const subscriptions = await db.query<Array<{ subscription_id: string; event_types: string[] }>>(
    `SELECT subscription_id, event_types FROM webhook_subscriptions WHERE shop_id = $1 AND enabled`,
    [event.shopId],
  );
  const targets = subscriptions.filter((s) => matchesEventType(s.event_types, event.type)).map((s) => s.subscription_id);
  if (targets.length === 0) return 0;
  await db.query(
    `INSERT INTO webhook_deliveries (delivery_id, subscription_id, shop_id, event_id, event_type, cause, status, next_attempt_at)
     SELECT delivery_id, subscription_id, $3, $4, $5, 'event', 'pending', now()
     FROM unnest($1::uuid[], $2::uuid[]) AS t(delivery_id, subscription_id)`,
    [targets.map(() => randomUUID()), targets, event.shopId, event.eventId, event.type],
  );
  await wakeUpWorkers(db, wakeUpChannel);
  return targets.length;
}

export async function wakeUpWorkers(db: Pick<EntityManager, 'query'>, channel: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, '')`, [channel]);
}

/**
 * An erased person's data must not come back through a replay or a retry: the kept events that
 * carry them as recipient (OrderPlaced, DeliveryAddressCorrected), and who took the flowers of those
 * orders (OrderDelivered), read null from now on — as the orders service publishes them after an erasure.
 */
async function forgetPerson(db: EntityManager, shopId: string, personId: string): Promise<void> {
  await lockPerson(db, shopId, personId);
  await db.query(
    `UPDATE webhook_events e SET envelope = jsonb_set(envelope, '{data,receivedBy}', 'null')
     WHERE e.shop_id = $1 AND e.event_type = 'OrderDelivered'
       AND e.stream_id IN (SELECT stream_id FROM webhook_events WHERE shop_id = $1 AND envelope #>> '{data,recipientPersonId}' = $2)`,
    [shopId, personId],
  );
  await db.query(
    `UPDATE webhook_events SET envelope = jsonb_set(envelope, '{data,recipient}', 'null')
     WHERE shop_id = $1 AND envelope #>> '{data,recipientPersonId}' = $2`,
    [shopId, personId],
  );
}

/**
 * An erasure travels keyed by person, on another partition than the person's orders, so it may
 * be handled before an older event that still carries them: such an event is kept, and sent,
 * without them. The person's lock makes the erasure and this check take turns.
 */
async function withoutErasedPeople(db: EntityManager, event: IntegrationEvent): Promise<IntegrationEvent> {
  const data = event.data as { recipientPersonId?: unknown };
  const personId =
    typeof data.recipientPersonId === 'string' ? data.recipientPersonId : event.type === 'OrderDelivered' ? await recipientOfStream(db, event) : undefined;
  if (personId === undefined) return event;
  await lockPerson(db, event.shopId, personId);
  const erased = await db.query<unknown[]>(
    `SELECT 1 FROM webhook_events WHERE shop_id = $1 AND event_type = 'PersonalDataErased' AND envelope #>> '{data,personId}' = $2 LIMIT 1`,
    [event.shopId, personId],
  );
  if (erased.length === 0) return event;
  const forgotten = event.type === 'OrderDelivered' ? { receivedBy: null } : { recipient: null };
  return { ...event, data: { ...(event.data as object), ...forgotten } };
}

/** The recipient of the order an event belongs to, as its latest kept event names them. */
async function recipientOfStream(db: EntityManager, event: IntegrationEvent): Promise<string | undefined> {
  const [row] = await db.query<Array<{ person_id: string }>>(
    `SELECT envelope #>> '{data,recipientPersonId}' AS person_id FROM webhook_events
      WHERE shop_id = $1 AND stream_id = $2 AND envelope #>> '{data,recipientPersonId}' IS NOT NULL
      ORDER BY (envelope ->> 'streamVersion')::int DESC LIMIT 1`,
    [event.shopId, event.streamId],
  );
  return row?.person_id;
}

/** Held to the end of the transaction; a hash collision only makes two people take turns. */
async function lockPerson(db: EntityManager, shopId: string, personId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`webhooks.person:${shopId}:${personId}`]);
}
