import type { EntityManager } from 'typeorm';
import { Delivery } from './delivery.entity';
import { type DeliveryEvent, ERASED_RECIPIENT, evolveDelivery, recipientPersonIn } from './delivery.evolve';

/**
 * Applies an order event to the dispatch board, in the consumer's transaction. Events of one order
 * come in order (keyed by order); erasures come keyed by person, on another partition, so they may
 * run alongside. Two locks keep an erased recipient erased: the order's row is read FOR UPDATE (an
 * erasure's UPDATE waits for it, or is seen by it), and whoever writes or erases a person's data
 * first takes that person's lock (a new row is not there for the erasure to wait on).
 */
export async function applyToDeliveries(event: DeliveryEvent, db: EntityManager): Promise<BoardChange | undefined> {
  if (event.type === 'PersonalDataErased') {
    await eraseRecipient(event.data, db);
    return undefined;
  }
  const { orderId, shopId } = event.data;
  const personId = recipientPersonIn(event);
  const erased = personId !== null && (await lockPersonAndAskErased(db, shopId, personId));
  const deliveries = db.getRepository(Delivery);
  const before = (await deliveries.findOne({ where: { orderId }, lock: { mode: 'pessimistic_write' } })) ?? undefined;
  const after = evolveDelivery(before, event, () => erased);
  if (!after || after === before) return undefined;
  if (before) await deliveries.update({ orderId }, after);
  else await deliveries.insert(after);
  return { before, after };
}

/** A board row before and after an event changed it. */
export interface BoardChange {
  before: Delivery | undefined;
  after: Delivery;
}

/** Forgets a person on every delivery of theirs in that shop, and remembers that they were. */
async function eraseRecipient({ personId, shopId, erasedAt }: { personId: string; shopId: string; erasedAt: string }, db: EntityManager): Promise<void> {
  await lockPerson(db, shopId, personId);
  await db.query(`INSERT INTO erased_people (shop_id, person_id, erased_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [shopId, personId, erasedAt]);
  await db.getRepository(Delivery).update({ shopId, recipientPersonId: personId }, ERASED_RECIPIENT);
}

async function lockPersonAndAskErased(db: EntityManager, shopId: string, personId: string): Promise<boolean> {
  await lockPerson(db, shopId, personId);
  const rows: unknown[] = await db.query(`SELECT 1 FROM erased_people WHERE shop_id = $1 AND person_id = $2`, [shopId, personId]);
  return rows.length > 0;
}

/** Held to the end of the transaction; a hash collision only makes two people take turns. */
async function lockPerson(db: EntityManager, shopId: string, personId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`dispatch.person:${shopId}:${personId}`]);
}
