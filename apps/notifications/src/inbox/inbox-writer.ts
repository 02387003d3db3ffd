import { Inject, Injectable } from '@nestjs/common';
import { orderOf } from '@petalpost/auth';
import type { IntegrationEvent } from '@petalpost/contracts';
import type { EntityManager } from 'typeorm';
import { audiencesFor } from '../domain/audiences';
import { notificationFor } from '../domain/notification';
import { deliveryChangeOf } from '../domain/rider-position';
import { INBOX_CHANNELS, type InboxChannels } from './channels';

/** Takes the audience's next number (the head row stays locked until commit) and records the entry under it. */
const APPEND = `
  WITH head AS (
    INSERT INTO inbox_heads (audience, last_seq) VALUES ($1, 1)
    ON CONFLICT (audience) DO UPDATE SET last_seq = inbox_heads.last_seq + 1
    RETURNING last_seq
  )
  INSERT INTO inbox_entries (audience, seq, event_id, event_type, shop_id, order_id, critical, payload, occurred_at)
  SELECT $1, last_seq, $2, $3, $4, $5, $6, $7::jsonb, $8 FROM head
  RETURNING seq`;

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
    const orderId = orderOf(event.data);
    const notices: string[] = [];
    // audiencesFor sorts: every writer locks heads in one order, so two transactions never deadlock.
    for (const audience of audiencesFor(event)) {
      const { critical, data } = notificationFor(audience, event);
      const [row] = await db.query<Array<{ seq: string }>>(APPEND, [
        audience,
        event.eventId,
        event.type,
        event.shopId,
        orderId ?? null,
        critical,
        JSON.stringify(data ?? null),
        event.metadata.occurredAt,
      ]);
      notices.push(`${audience}:${row.seq}`);
    }
    if (event.type === 'PersonalDataErased') await this.forget(db, event);
    const deliveryChanged = await this.trackDelivery(db, event);
    // Deliveries first: a replica refreshes who may follow a rider before it sends the status change.
    if (deliveryChanged) await db.query(`SELECT pg_notify($1, $2)`, [this.channels.deliveries, deliveryChanged]);
    await db.query(`SELECT pg_notify($1, notice) FROM unnest($2::text[]) AS notice`, [this.channels.inbox, notices]);
  }

  private async forget(db: EntityManager, event: IntegrationEvent): Promise<void> {
    const personId = (event.data as { personId?: unknown }).personId;
    if (typeof personId !== 'string') return;
    await db.query(`INSERT INTO erased_people (shop_id, person_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [event.shopId, personId]);
    await db.query(FORGET_RECIPIENT, [personId, event.shopId]);
  }

  /** An event published before its recipient was erased, consumed after: kept as if published after. */
  private async withoutErasedRecipient(db: EntityManager, event: IntegrationEvent): Promise<IntegrationEvent> {
    const data = event.data as { recipientPersonId?: unknown; recipient?: unknown };
    if (typeof data !== 'object' || data === null || typeof data.recipientPersonId !== 'string' || !data.recipient) return event;
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

