import { Inject, Injectable } from '@nestjs/common';
import { orderOf } from '@petalpost/auth';
import type { IntegrationEvent } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import { type Audience, audiencesFor, OPERATOR_AUDIENCE } from './domain/audiences';
import { notificationFor } from './domain/notification';
import { deliveryChangeOf } from './domain/rider-position';
import { INBOX_CHANNELS, type InboxChannels, MAX_NOTICE_BYTES } from '../notifications.channels';

/**
 * One statement for all of an event's audiences: takes each audience's next number (the head rows
 * stay locked until commit, taken in the order given: see lockOrder), records the entries under
 * them and sends each NOTIFY (delivered at commit). The notice carries the entry itself, so
 * replicas deliver it without reading it back; one too large for a NOTIFY carries only its
 * `<audience>:<seq>` and is read (see notifications.channels.ts).
 */
const APPEND = `
  WITH wanted AS (
    SELECT * FROM unnest($1::text[], $2::boolean[], $3::jsonb[]) WITH ORDINALITY AS w(audience, critical, payload, n)
  ),
  heads AS (
    INSERT INTO inbox_heads (audience, last_seq)
    SELECT audience, 1 FROM wanted ORDER BY n
    ON CONFLICT (audience) DO UPDATE SET last_seq = inbox_heads.last_seq + 1
    RETURNING audience, last_seq
  ),
  entries AS (
    INSERT INTO inbox_entries (audience, seq, event_id, event_type, shop_id, order_id, critical, payload, occurred_at)
    SELECT w.audience, h.last_seq, $4, $5, $6, $7, w.critical, w.payload, $8
      FROM wanted w JOIN heads h USING (audience)
    RETURNING audience, seq, event_id, event_type, order_id, critical, payload, occurred_at
  ),
  notices AS (
    SELECT audience, seq, json_build_object(
      'audience', audience, 'seq', seq, 'eventId', event_id, 'eventType', event_type, 'orderId', order_id,
      'critical', critical, 'data', payload, 'occurredAt', occurred_at)::text AS entry
      FROM entries
  )
  SELECT pg_notify($9, CASE WHEN octet_length(entry) <= $10 THEN entry ELSE audience || ':' || seq END) FROM notices`;

const ON_THE_ROAD = `
  INSERT INTO deliveries_on_the_road (order_id, shop_id, rider_id, on_the_road) VALUES ($1, $2, $3, true)
  ON CONFLICT (order_id) DO UPDATE SET on_the_road = true, rider_id = COALESCE(EXCLUDED.rider_id, deliveries_on_the_road.rider_id)`;

/**
 * An erased person's data goes from what the inboxes keep: the recipient on the events that carried
 * them (the shop's copy names the person; every audience's copy of the same event is scrubbed) and
 * who took the flowers on those orders' deliveries. Published events after an erasure carry null too.
 */
const FORGET_RECIPIENT = `
  WITH carried AS (
    SELECT DISTINCT event_id, order_id FROM inbox_entries
     WHERE shop_id = $2 AND audience = 'shop:' || $2 AND payload->>'recipientPersonId' = $1
  )
  UPDATE inbox_entries e
     SET payload = CASE WHEN e.payload ? 'recipient' THEN jsonb_set(e.payload, '{recipient}', 'null') ELSE jsonb_set(e.payload, '{receivedBy}', 'null') END
   WHERE e.shop_id = $2
     AND ((e.event_id IN (SELECT event_id FROM carried) AND e.payload ? 'recipient')
       OR (e.event_type = 'OrderDelivered' AND e.order_id IN (SELECT order_id FROM carried) AND e.payload ? 'receivedBy'))`;

/**
 * Writes an event into the inbox of every audience that may read it, inside the consumer's
 * transaction (the same one as its dedupe row): all of it commits once, or none of it. The NOTIFYs
 * are delivered at commit, and only if it commits.
 */
@Injectable()
export class InboxWriter {
  constructor(@Inject(INBOX_CHANNELS) private readonly channels: InboxChannels) {}

  async write(db: EntityManager, received: IntegrationEvent): Promise<void> {
    const event = await this.withoutErasedRecipient(db, received);
    if (event.type === 'PersonalDataErased') await this.forget(db, event);
    const deliveryChanged = await this.trackDelivery(db, event);
    // Deliveries first: a replica refreshes who may follow a rider before it sends the status change.
    if (deliveryChanged) await db.query(`SELECT pg_notify($1, $2)`, [this.channels.deliveries, deliveryChanged]);
    // Last, just before the commit: every event of a shop (and the operators' feed, every event)
    // takes the same head rows, so the shorter they stay locked the more events pass per second.
    const audiences = lockOrder(audiencesFor(event));
    const notifications = audiences.map((audience) => notificationFor(audience, event));
    await db.query(APPEND, [
      audiences,
      notifications.map((n) => n.critical),
      notifications.map((n) => JSON.stringify(n.data ?? null)),
      event.eventId,
      event.type,
      event.shopId,
      orderOf(event.data) ?? null,
      event.metadata.occurredAt,
      this.channels.inbox,
      MAX_NOTICE_BYTES,
    ]);
  }

  private async forget(db: EntityManager, event: IntegrationEvent): Promise<void> {
    const personId = (event.data as { personId?: unknown }).personId;
    if (typeof personId !== 'string') return;
    await lockPerson(db, event.shopId, personId);
    await db.query(`INSERT INTO erased_people (shop_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [event.shopId, personId]);
    await db.query(FORGET_RECIPIENT, [personId, event.shopId]);
  }

  /** An event published before its recipient was erased, consumed after: kept as if published after. */
  private async withoutErasedRecipient(db: EntityManager, event: IntegrationEvent): Promise<IntegrationEvent> {
    const data = event.data as { recipientPersonId?: unknown; recipient?: unknown };
    if (typeof data !== 'object' || data === null || typeof data.recipientPersonId !== 'string' || !data.recipient) return event;
    // Takes turns with that person's erasure (on another partition), so neither misses the other.
    await lockPerson(db, event.shopId, data.recipientPersonId);
    const erased = await db.query<unknown[]>(`SELECT 1 FROM erased_people WHERE shop_id = $1 AND person_id = $2`, [event.shopId, data.recipientPersonId]);
    return erased.length === 0 ? event : { ...event, data: { ...data, recipient: null } };
  }

  /** Keeps the table of orders on the road; returns the order id when it changed. */
  private async trackDelivery(db: EntityManager, event: IntegrationEvent): Promise<string | undefined> {
    const change = deliveryChangeOf(event);
    if (!change) return undefined;
    switch (change.kind) {
      case 'on_the_road':
        await db.query(ON_THE_ROAD, [change.orderId, change.shopId, change.riderId ?? null]);
        break;
      case 'off_the_road':
        await db.query(`UPDATE deliveries_on_the_road SET on_the_road = false WHERE order_id = $1`, [change.orderId]);
        break;
      case 'finished':
        await db.query(`DELETE FROM deliveries_on_the_road WHERE order_id = $1`, [change.orderId]);
        break;
    }
    return change.orderId;
  }
}

/**
 * The operators' feed first, then sorted. Every event goes to the operators' feed, so whoever holds
 * any head row of an open transaction (several events may share one) also holds that one, and a
 * second writer waits for it before taking anything: writers never deadlock on head rows.
 */
function lockOrder(audiences: readonly Audience[]): Audience[] {
  return [...audiences].sort((a, b) => Number(b === OPERATOR_AUDIENCE) - Number(a === OPERATOR_AUDIENCE) || a.localeCompare(b));
}

/** Held to the end of the transaction; a hash collision only makes two people take turns. */
async function lockPerson(db: EntityManager, shopId: string, personId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`notifications.person:${shopId}:${personId}`]);
}
