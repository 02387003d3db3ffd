import type { OrderStatus } from '@petalpost/contracts';
import { cleanMessageText } from '../api/customer-message';
import type { TrackedOrder } from './tracked-order.evolve';
import { isLinkExpired, linkExpiresAt, type RiderPosition, trackingViewOf } from './tracking-view';

const order: TrackedOrder = {
  orderId: 'o1',
  shopId: 's1',
  status: 'out_for_delivery',
  reachedAt: {
    placed: '2026-02-13T09:00:00.000Z',
    accepted: '2026-02-14T10:00:00.000Z',
    ready: '2026-02-14T11:00:00.000Z',
    out_for_delivery: '2026-02-14T12:00:00.000Z',
  },
  window: { from: '2026-02-14T12:00:00.000Z', to: '2026-02-14T14:00:00.000Z', timeZone: 'Europe/Amsterdam' },
  deadline: null,
  eta: '2026-02-14T12:40:00.000Z',
  riderId: 'rita',
  arrangementPhotoRef: 'photos/arrangement-1.jpg',
  proofPhotoRef: null,
  deliveredAt: null,
  recipientFirstName: 'Alex',
  recipientPersonId: 'person-7',
  destination: { lat: 52.09, lng: 5.12 },
  version: 6,
};
const near: RiderPosition = { riderId: 'rita', shopId: 's1', lat: 52.1, lng: 5.12, recordedAt: '2026-02-14T12:20:00.000Z' };
const view = (changes: Partial<TrackedOrder> = {}, position: RiderPosition | null = near) =>
  trackingViewOf({ ...order, ...changes }, { graceHours: 24, photosServed: true, position: position ?? undefined });

describe('what the tracking page may show', () => {
  it('never carries the rider, the recipient’s person, address or position, whoever the link is forwarded to', () => {
    const shown = JSON.stringify(view());
    for (const secret of ['rita', 'person-7', '52.09', '5.12', 'photos/arrangement-1.jpg']) expect(shown).not.toContain(secret);
    expect(view().recipientFirstName).toBe('Alex');
  });

  it('shows progress up to the current step, with when each was reached', () => {
    expect(view().steps).toEqual([
      { step: 'placed', reachedAt: '2026-02-13T09:00:00.000Z', state: 'done' },
      { step: 'accepted', reachedAt: '2026-02-14T10:00:00.000Z', state: 'done' },
      // Production was never reported as started: the step is passed, without a time.
      { step: 'in_production', reachedAt: null, state: 'done' },
      { step: 'ready', reachedAt: '2026-02-14T11:00:00.000Z', state: 'done' },
      { step: 'out_for_delivery', reachedAt: '2026-02-14T12:00:00.000Z', state: 'current' },
      { step: 'delivered', reachedAt: null, state: 'todo' },
    ]);
  });

  it('marks every step done once delivered', () => {
    const done = view({ status: 'delivered', reachedAt: { ...order.reachedAt, delivered: '2026-02-14T12:45:00.000Z' } });
    expect(done.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });

  describe('the rider', () => {
    it('appears while out for delivery, as an offset from the destination in metres', () => {
      expect(view().rider).toEqual({ relativeTo: 'destination', eastM: 0, northM: 1113, distanceM: 1113, recordedAt: near.recordedAt });
    });

    it('does not appear without a destination: the view never holds the rider’s coordinates', () => {
      expect(view({ destination: null }).rider).toBeNull();
      const everything = JSON.stringify(view({ destination: null }));
      expect(everything).not.toContain(String(near.lat));
      expect(everything).not.toContain(String(near.lng));
    });

    it.each<OrderStatus>(['placed', 'accepted', 'ready', 'carded', 'delivery_failed', 'delivered', 'cancelled'])(
      'does not appear when the order is %s',
      (status) => {
        expect(view({ status }).rider).toBeNull();
      },
    );

    it('does not appear for another rider’s position, nor for a rider of the same name at another shop', () => {
      expect(view({}, { ...near, riderId: 'mo' }).rider).toBeNull();
      expect(view({}, { ...near, shopId: 's2' }).rider).toBeNull();
      expect(view({}, null).rider).toBeNull();
    });
  });

  describe('photos', () => {
    it('show the arrangement as soon as there is one, under a name that hides the storage key', () => {
      expect(view().photos.arrangement).toMatch(/^photos\/arrangement\/[\w-]{10}$/);
      expect(view({ arrangementPhotoRef: null }).photos.arrangement).toBeNull();
    });

    it('show the proof of delivery once delivered, and a new name when the photo changes', () => {
      expect(view({ proofPhotoRef: 'photos/proof-1.jpg' }).photos.proof).toBeNull();
      const first = view({ status: 'delivered', proofPhotoRef: 'photos/proof-1.jpg' }).photos.proof;
      const second = view({ status: 'delivered', proofPhotoRef: 'photos/proof-2.jpg' }).photos.proof;
      expect(first).toMatch(/^photos\/proof\//);
      expect(second).not.toBe(first);
    });

    it('are left out when no photo store serves them, so the page never shows a broken image', () => {
      const delivered = { ...order, status: 'delivered' as const, proofPhotoRef: 'photos/proof-1.jpg' };
      expect(trackingViewOf(delivered, { graceHours: 24, photosServed: false }).photos).toEqual({ arrangement: null, proof: null });
    });
  });

  it('shows the ETA until the order is over, and the window always', () => {
    expect(view().eta).toBe(order.eta);
    expect(view({ status: 'delivered' }).eta).toBeNull();
    expect(view().window).toEqual(order.window);
  });
});

describe('when a tracking link expires', () => {
  const ended = (status: OrderStatus, at: string) => ({ status, reachedAt: { placed: '2026-02-13T09:00:00.000Z', [status]: at } });

  it('is not known while the order is still going', () => {
    expect(linkExpiresAt(ended('out_for_delivery', '2026-02-14T12:00:00.000Z'), 24)).toBeNull();
    expect(isLinkExpired(ended('out_for_delivery', '2026-02-14T12:00:00.000Z'), 24, new Date('2030-01-01T00:00:00Z'))).toBe(false);
  });

  it.each<OrderStatus>(['delivered', 'cancelled', 'returned', 'rejected'])('is the grace period after the order was %s', (status) => {
    const order = ended(status, '2026-02-14T12:00:00.000Z');
    expect(linkExpiresAt(order, 24)).toBe('2026-02-15T12:00:00.000Z');
    expect(isLinkExpired(order, 24, new Date('2026-02-15T11:59:59Z'))).toBe(false);
    expect(isLinkExpired(order, 24, new Date('2026-02-15T12:00:00Z'))).toBe(true);
  });

  it('follows the configured grace period', () => {
    expect(linkExpiresAt(ended('delivered', '2026-02-14T12:00:00.000Z'), 2)).toBe('2026-02-14T14:00:00.000Z');
  });
});

describe('a customer’s message to the shop', () => {
  it('is kept as plain text: markup stays visible as typed, line breaks stay', () => {
    expect(cleanMessageText('  <b>Hi</b>\r\nRing twice  ')).toBe('<b>Hi</b>\nRing twice');
  });

  it('loses control characters, text-reordering marks and runs of blank lines', () => {
    expect(cleanMessageText('a\u0000b\u202Ec\u200Bd\n\n\n\ne')).toBe('abcd\n\ne');
  });

  it('is refused when empty or longer than 1000 characters', () => {
    expect(() => cleanMessageText(' \n\u200B ')).toThrow(expect.objectContaining({ code: 'MESSAGE_EMPTY' }));
    expect(() => cleanMessageText('x'.repeat(1001))).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LONG' }));
    expect(cleanMessageText('🌷'.repeat(1000))).toHaveLength(2000);
  });
});
