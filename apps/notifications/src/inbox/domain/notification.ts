import { writtenByCustomer } from '@petalpost/auth';
import { type Audience, kindOf, type RoutedEvent } from './audiences';

/** What an inbox keeps of an event for one audience: the payload that audience may read. */
export interface Notification {
  /** Must be acknowledged: re-sent until it is, escalated when nobody does. Always alerts. */
  critical: boolean;
  data: unknown;
}

/**
 * Events someone must act on now. The dispatch names are those dispatch will publish when an
 * order is at risk of missing its window or has missed it; an order from a shop system held for
 * staff is an order nobody will make until someone looks.
 */
export const CRITICAL_EVENTS: ReadonlySet<string> = new Set([
  'OrderExceptionFlagged',
  'ExceptionEscalated',
  'IntakeOrderNeedsAttention',
  'DeliveryAtRisk',
  'DeliveryLate',
  'OrderAtRisk',
  'OrderLate',
]);

/** Whoever ordered the flowers: never told to the recipient's side, never to the rider. */
const SENDER_FIELDS = ['buyer', 'buyerPersonId', 'sender', 'senderName', 'customerId'];
/** How to reach the recipient: the shop, the dispatcher and the rider delivering need it; nobody else. */
const RECIPIENT_CONTACT_FIELDS = ['phone', 'email', 'address'];

/**
 * Shapes an event for one audience (the visibility table in libs/auth, docs/orders.md's fields):
 * - operators, staff and dispatchers (`operator`, `shop:`, `staff:`) read the event as published;
 * - riders get the recipient's contact for their orders, never who sent the flowers (and, all riders of
 *   the shop, its shop channels' messages, which carry no order);
 * - florists get the recipient's name, not their contact, nor the sender;
 * - a customer gets their order's progress and customer channel: never the rider, the recipient's contact or ids, nor the shop's notes;
 * - someone @mentioned, by name or by role, gets the message, without contact details of anyone.
 */
export function notificationFor(audience: Audience, event: RoutedEvent): Notification {
  const kind = kindOf(audience);
  // A mention asks someone to answer: it must be acknowledged, like an exception. Nothing a customer
  // writes or does may demand that of the shop (a tracking link is open to whoever holds it).
  const critical = !writtenByCustomer(event) && (CRITICAL_EVENTS.has(event.type) || kind === 'person' || kind === 'role');
  const data = asRecord(event.data);
  if (!data) return { critical, data: event.data };
  switch (kind) {
    case 'operator':
    case 'shop':
    case 'staff':
      return { critical, data };
    case 'rider':
    case 'riders':
      return { critical, data: omit(data, SENDER_FIELDS) };
    case 'florist':
    case 'person':
    case 'role':
      return { critical, data: withRecipientName(omit(data, SENDER_FIELDS)) };
    case 'order':
      return { critical, data: withRecipientName(omit(data, [...SENDER_FIELDS, 'riderId', 'recipientPersonId', 'note'])) };
  }
}

function withRecipientName(data: Record<string, unknown>): Record<string, unknown> {
  const recipient = asRecord(data.recipient);
  if (!recipient) return data;
  return { ...data, recipient: omit(recipient, RECIPIENT_CONTACT_FIELDS) };
}

function omit(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!fields.includes(key)) kept[key] = value;
  return kept;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
