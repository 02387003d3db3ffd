import type { MessagingIntegrationEvent } from '@petalpost/contracts';
import { type EtaUpdated, evolveTrackedOrder, type TrackedOrder, type TrackedOrderEvent, withEta } from '../domain/tracked-order.evolve';
import {
  announceChange,
  applyChannelMessage,
  eraseRecipient,
  findTrackedOrder,
  isErased,
  lockPerson,
  saveTrackedOrder,
  type Sql,
} from '../tracked-orders.store';

/**
 * Applies an event to tracked_orders in the consumer's transaction and announces each changed order
 * on the channel, which Postgres delivers to every replica when (and only if) the transaction commits.
 * Erasures come keyed by person, on another partition, so they may run alongside an order's events:
 * the order's row is read FOR UPDATE and the person's lock is taken first by whoever writes their data.
 */
export async function applyToTrackedOrders(event: TrackedOrderEvent | (EtaUpdated & { shopId: string }), db: Sql, channel: string): Promise<void> {
  if (event.type === 'PersonalDataErased') {
    const { shopId, personId, erasedAt } = event.data;
    await lockPerson(db, shopId, personId);
    for (const orderId of await eraseRecipient(db, shopId, personId, erasedAt)) await announceChange(db, channel, orderId);
    return;
  }
  if (event.type === 'EtaUpdated') {
    const before = await findTrackedOrder(db, event.data.orderId, true);
    // An order this page never saw, or another shop's claim on it, is not ours to change.
    if (!before || before.shopId !== event.shopId) return;
    return save(db, channel, before, withEta(before, event));
  }
  const personId = recipientPersonIn(event);
  let erased = false;
  if (personId !== null) {
    await lockPerson(db, event.data.shopId, personId);
    erased = await isErased(db, event.data.shopId, personId);
  }
  const before = await findTrackedOrder(db, event.data.orderId, true);
  const after = evolveTrackedOrder(before, event, () => erased);
  if (after) await save(db, channel, before, after);
}

async function save(db: Sql, channel: string, before: TrackedOrder | undefined, after: TrackedOrder): Promise<void> {
  if (after === before) return;
  // Events the page does not show only move the version: nobody needs to hear of them.
  const shown = !before || JSON.stringify({ ...before, version: 0 }) !== JSON.stringify({ ...after, version: 0 });
  await saveTrackedOrder(db, after, shown ? channel : null);
}

function recipientPersonIn(event: TrackedOrderEvent): string | null {
  if (event.type === 'OrderPlaced') return event.data.recipientPersonId;
  if (event.type === 'DeliveryAddressCorrected') return event.data.recipientPersonId;
  return null;
}

/** A message event of an order's conversation, with the shop of its envelope. */
export type CustomerChannelEvent = Extract<MessagingIntegrationEvent, { type: 'MessagePosted' | 'MessageEdited' | 'MessageRecalled' }> & { shopId: string };

/**
 * The customer channel of a tracked order, as its page shows it: the customer's messages and the
 * shop's answers, edited and recalled as in messaging. Internal messages, the service's own
 * progress messages (the page shows progress itself) and orders of another shop are never taken;
 * of an author only whether they are the shop is kept, never who.
 */
export async function applyToCustomerChannel(event: CustomerChannelEvent, db: Sql, channel: string): Promise<void> {
  const { orderId, shopId } = event.data;
  if (event.data.channel !== 'customer' || shopId !== event.shopId) return;
  const order = await findTrackedOrder(db, orderId);
  if (!order || order.shopId !== shopId) return;
  switch (event.type) {
    case 'MessagePosted': {
      const { author } = event.data;
      if (author === null || (author.role !== 'customer' && author.role !== 'staff')) return;
      const { messageId, text, postedAt } = event.data;
      await applyChannelMessage(db, { kind: 'posted', messageId, orderId, shopId, fromShop: author.role === 'staff', text, postedAt });
      break;
    }
    case 'MessageEdited':
      await applyChannelMessage(db, { kind: 'edited', messageId: event.data.messageId, text: event.data.text });
      break;
    case 'MessageRecalled':
      await applyChannelMessage(db, { kind: 'recalled', messageId: event.data.messageId });
      break;
  }
  await announceChange(db, channel, orderId);
}
