import type { AddressType, DeliveryWindow } from '@petalpost/contracts';
import { type CompleteIntakeOrder, type HoldReason, type IntakeOrder, type IntakeOutcome, type IntakeStatus, missingForPlacement } from './intake-order';

/**
 * What we hold for one order of a shop system (a row of `intake_orders`), as far as deciding goes.
 * `applied`: what of that order we last put on our order, to tell what a newer snapshot changes.
 */
export interface HeldIntake {
  intakeId: string;
  status: IntakeStatus;
  orderId?: string;
  externalUpdatedAt: string;
  applied?: AppliedFacts;
}

/** The facts of a placed order that a shop system may change later. The recipient as a keyed digest: no personal data here. */
export interface AppliedFacts {
  deliveryWindow: DeliveryWindow;
  recipientDigest: string;
  addressType: AddressType;
  paid: boolean;
}

/** A snapshot of the order as the shop system sends it now. */
export interface IncomingIntake {
  externalUpdatedAt: string;
  order: IntakeOrder;
  /** A keyed digest of the recipient and address (the adapter computes it), to notice a changed address. */
  recipientDigest?: string;
}

/** A change to an order already placed, made by the order's own commands. */
export type OrderChange =
  { type: 'ChangeWindow'; deliveryWindow: DeliveryWindow } | { type: 'CorrectAddress'; addressType: AddressType } | { type: 'MarkPaid' };

export type IntakeDecision =
  /** Place it: new, or held until now and complete at last. */
  | { kind: 'place'; order: CompleteIntakeOrder }
  /** Hold it for staff, nothing placed; `detail`: what a connector could not read with certainty. */
  | { kind: 'hold'; reason: HoldReason; detail?: string }
  /** A newer snapshot of a placed order: apply what changed (maybe nothing). */
  | { kind: 'update'; changes: OrderChange[] }
  /** The shop system cancelled a placed order. */
  | { kind: 'cancel'; reason: string }
  /** Cancelled before it was ever placed: record it, so an older snapshot arriving later places nothing. */
  | { kind: 'dismiss'; reason: string }
  /** This snapshot, or one as recent, was taken already. */
  | { kind: 'duplicate'; reason?: string }
  /** Older than what we hold: ignored (and recorded by the caller). */
  | { kind: 'stale' };

/**
 * The intake's one rule: shop systems deliver snapshots unordered and more than once (Shopify says
 * outright that an update may arrive before the create), so each snapshot is taken only when it is
 * newer than what we hold, an update may come first, and a cancellation may come before anything.
 */
export function decideIntake(held: HeldIntake | undefined, incoming: IncomingIntake): IntakeDecision {
  const { order } = incoming;
  if (held) {
    const age = Date.parse(incoming.externalUpdatedAt) - Date.parse(held.externalUpdatedAt);
    if (age < 0) return { kind: 'stale' };
    if (age === 0) return { kind: 'duplicate' };
  }
  const status = held?.status ?? 'new';
  switch (status) {
    case 'new':
    case 'needs_attention': {
      if (order.cancelled) return { kind: 'dismiss', reason: `cancelled in the shop system: ${order.cancelled.reason}` };
      const missing = missingForPlacement(order);
      if (!missing) return { kind: 'place', order: order as CompleteIntakeOrder };
      return order.review === undefined ? { kind: 'hold', reason: missing } : { kind: 'hold', reason: missing, detail: order.review };
    }
    case 'dismissed':
      return { kind: 'duplicate', reason: 'dismissed by staff' };
    case 'placed':
      if (order.cancelled) return { kind: 'cancel', reason: order.cancelled.reason };
      return { kind: 'update', changes: changesOf(held?.applied, incoming) };
  }
}

/** What a newer snapshot changes on a placed order. A part the snapshot leaves out changes nothing. */
function changesOf(applied: AppliedFacts | undefined, { order, recipientDigest }: IncomingIntake): OrderChange[] {
  const changes: OrderChange[] = [];
  if (order.deliveryWindow && !sameWindow(applied?.deliveryWindow, order.deliveryWindow)) {
    changes.push({ type: 'ChangeWindow', deliveryWindow: order.deliveryWindow });
  }
  const addressType = order.recipient?.addressType ?? 'residence';
  if (
    order.recipient?.address !== undefined &&
    order.recipient.name !== undefined &&
    recipientDigest !== undefined &&
    (recipientDigest !== applied?.recipientDigest || addressType !== applied.addressType)
  ) {
    changes.push({ type: 'CorrectAddress', addressType });
  }
  if (order.paid && applied?.paid !== true) changes.push({ type: 'MarkPaid' });
  return changes;
}

function sameWindow(a: DeliveryWindow | undefined, b: DeliveryWindow): boolean {
  return a !== undefined && Date.parse(a.from) === Date.parse(b.from) && Date.parse(a.to) === Date.parse(b.to);
}

/** The answer a decision gives the channel that brought the order in. */
export function outcomeOf(decision: IntakeDecision): IntakeOutcome {
  switch (decision.kind) {
    case 'place':
      return 'placed';
    case 'hold':
      return 'needs_attention';
    case 'update':
      return 'updated';
    case 'cancel':
    case 'dismiss':
      return 'cancelled';
    case 'duplicate':
      return 'duplicate';
    case 'stale':
      return 'stale';
  }
}

/** The facts a placed order now holds, after a decision was applied to it. */
export function appliedAfter(order: IntakeOrder, recipientDigest: string, before: AppliedFacts | undefined): AppliedFacts | undefined {
  const deliveryWindow = order.deliveryWindow ?? before?.deliveryWindow;
  if (deliveryWindow === undefined) return before;
  const hasRecipient = order.recipient?.address !== undefined && order.recipient.name !== undefined;
  return {
    deliveryWindow,
    recipientDigest: hasRecipient || before === undefined ? recipientDigest : before.recipientDigest,
    addressType: hasRecipient ? (order.recipient?.addressType ?? 'residence') : (before?.addressType ?? 'residence'),
    paid: order.paid || before?.paid === true,
  };
}
