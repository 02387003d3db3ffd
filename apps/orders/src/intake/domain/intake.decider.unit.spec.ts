import { type AppliedFacts, appliedAfter, decideIntake, type HeldIntake, outcomeOf } from './intake.decider';
import { type IntakeOrder, IntakeOrderSchema, type IntakeOrderInput } from './intake-order';

const window = { from: '2026-02-14T12:00:00+01:00', to: '2026-02-14T14:00:00+01:00', timeZone: 'Europe/Amsterdam' };
const later = { from: '2026-02-14T15:00:00+01:00', to: '2026-02-14T17:00:00+01:00', timeZone: 'Europe/Amsterdam' };

function order(overrides: Partial<IntakeOrderInput> = {}): IntakeOrder {
  return IntakeOrderSchema.parse({
    buyer: { name: 'Sam Buyer', email: 'sam@example.com' },
    recipient: { name: 'Alex Recipient', address: { text: 'Lindenlaan 5, Utrecht' } },
    items: [{ sku: 'ROSE-12', name: 'Twelve roses', quantity: 1 }],
    deliveryWindow: window,
    ...overrides,
  });
}

const T1 = '2026-02-10T10:00:00Z';
const T2 = '2026-02-10T11:00:00Z';
const T0 = '2026-02-10T09:00:00Z';

const applied: AppliedFacts = { deliveryWindow: window, recipientDigest: 'digest-a', addressType: 'residence', paid: false };
const placed: HeldIntake = { intakeId: 'i1', status: 'placed', orderId: 'o1', externalUpdatedAt: T1, applied };
const waiting: HeldIntake = { intakeId: 'i1', status: 'needs_attention', externalUpdatedAt: T1 };
const dismissed: HeldIntake = { intakeId: 'i1', status: 'dismissed', externalUpdatedAt: T1 };

describe('intake decider', () => {
  describe('an order we never saw', () => {
    it('places a complete order', () => {
      const decision = decideIntake(undefined, { externalUpdatedAt: T1, order: order(), recipientDigest: 'digest-a' });
      expect(decision).toEqual({ kind: 'place', order: order() });
      expect(outcomeOf(decision)).toBe('placed');
    });

    it('holds an order without a delivery date for staff', () => {
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: order({ deliveryWindow: undefined }) })).toEqual({
        kind: 'hold',
        reason: 'missing_delivery_date',
      });
    });

    it("holds an order without the recipient's address", () => {
      const noAddress = order({ recipient: { name: 'Alex Recipient' } });
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: noAddress })).toEqual({ kind: 'hold', reason: 'missing_address' });
    });

    it('names the date first when both date and address are missing', () => {
      const neither = order({ deliveryWindow: undefined, recipient: undefined });
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: neither })).toEqual({ kind: 'hold', reason: 'missing_delivery_date' });
    });

    it('holds an order without items or without a buyer', () => {
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: order({ items: [] }) })).toEqual({ kind: 'hold', reason: 'missing_items' });
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: order({ buyer: undefined }) })).toEqual({ kind: 'hold', reason: 'missing_buyer' });
    });

    it('holds an order whose note a connector could not read with certainty, saying what', () => {
      const unclear = order({ review: 'the note names a card 2 times (贺卡, 卡片)' });
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: unclear })).toEqual({
        kind: 'hold',
        reason: 'unclear_note',
        detail: 'the note names a card 2 times (贺卡, 卡片)',
      });
    });

    it('still names a missing date first, with the unclear note as the detail', () => {
      const both = order({ deliveryWindow: undefined, review: 'the note may ask for no card: "不要贺卡"' });
      expect(decideIntake(undefined, { externalUpdatedAt: T1, order: both })).toEqual({
        kind: 'hold',
        reason: 'missing_delivery_date',
        detail: 'the note may ask for no card: "不要贺卡"',
      });
    });

    it('records a cancellation that arrives first, placing nothing', () => {
      const decision = decideIntake(undefined, { externalUpdatedAt: T1, order: order({ cancelled: { reason: 'customer' } }) });
      expect(decision).toEqual({ kind: 'dismiss', reason: 'cancelled in the shop system: customer' });
      expect(outcomeOf(decision)).toBe('cancelled');
    });
  });

  describe('an order we hold', () => {
    it('takes the same snapshot again as a duplicate', () => {
      expect(decideIntake(placed, { externalUpdatedAt: T1, order: order({ deliveryWindow: later }) })).toEqual({ kind: 'duplicate' });
    });

    it('ignores an older snapshot arriving after a newer one', () => {
      const decision = decideIntake(placed, { externalUpdatedAt: T0, order: order({ deliveryWindow: later }) });
      expect(decision).toEqual({ kind: 'stale' });
      expect(outcomeOf(decision)).toBe('stale');
    });

    it('compares times, not their spelling', () => {
      expect(decideIntake(placed, { externalUpdatedAt: '2026-02-10T11:00:00+01:00', order: order() })).toEqual({ kind: 'duplicate' });
    });
  });

  describe('a placed order, newer snapshot', () => {
    it('changes nothing when nothing changed', () => {
      expect(decideIntake(placed, { externalUpdatedAt: T2, order: order(), recipientDigest: 'digest-a' })).toEqual({ kind: 'update', changes: [] });
    });

    it('moves the window, corrects the address and records payment', () => {
      const decision = decideIntake(placed, { externalUpdatedAt: T2, order: order({ deliveryWindow: later, paid: true }), recipientDigest: 'digest-b' });
      expect(decision).toEqual({
        kind: 'update',
        changes: [{ type: 'ChangeWindow', deliveryWindow: later }, { type: 'CorrectAddress', addressType: 'residence' }, { type: 'MarkPaid' }],
      });
    });

    it('never takes payment back, nor removes what the snapshot leaves out', () => {
      const paid = { ...placed, applied: { ...applied, paid: true } };
      const bare = order({ deliveryWindow: undefined, recipient: undefined, paid: false });
      expect(decideIntake(paid, { externalUpdatedAt: T2, order: bare, recipientDigest: 'digest-z' })).toEqual({ kind: 'update', changes: [] });
    });

    it('cancels it when the shop system cancelled it', () => {
      expect(decideIntake(placed, { externalUpdatedAt: T2, order: order({ cancelled: { reason: 'declined' } }) })).toEqual({
        kind: 'cancel',
        reason: 'declined',
      });
    });
  });

  describe('a held order, newer snapshot', () => {
    it('places it once it is complete', () => {
      expect(decideIntake(waiting, { externalUpdatedAt: T2, order: order() }).kind).toBe('place');
    });

    it('holds it again while it still lacks something', () => {
      expect(decideIntake(waiting, { externalUpdatedAt: T2, order: order({ deliveryWindow: undefined }) })).toEqual({
        kind: 'hold',
        reason: 'missing_delivery_date',
      });
    });

    it('dismisses it when cancelled', () => {
      expect(decideIntake(waiting, { externalUpdatedAt: T2, order: order({ cancelled: { reason: 'x' } }) }).kind).toBe('dismiss');
    });
  });

  describe('a dismissed order', () => {
    it('places nothing, however new the snapshot', () => {
      expect(decideIntake(dismissed, { externalUpdatedAt: T2, order: order() })).toEqual({ kind: 'duplicate', reason: 'dismissed by staff' });
    });
  });

  describe('appliedAfter', () => {
    it('keeps what a snapshot leaves out and never unpays', () => {
      const after = appliedAfter(order({ deliveryWindow: undefined, recipient: undefined, paid: false }), 'digest-z', { ...applied, paid: true });
      expect(after).toEqual({ ...applied, paid: true });
    });

    it('records a new window, recipient and payment', () => {
      expect(appliedAfter(order({ deliveryWindow: later, paid: true }), 'digest-b', applied)).toEqual({
        deliveryWindow: later,
        recipientDigest: 'digest-b',
        addressType: 'residence',
        paid: true,
      });
    });
  });
});
