import type { Principal } from './principal';
import { mayReceive, riderSeesOrder } from './visibility';

const placed = { type: 'OrderPlaced', shopId: 's1', data: { orderId: 'o1' } };
const accepted = { type: 'OrderAccepted', shopId: 's1', data: { orderId: 'o1' } };
const assigned = { type: 'RiderAssigned', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const photo = { type: 'ArrangementPhotoAttached', shopId: 's1', data: { orderId: 'o1', photoRef: 'p.jpg' } };
const carded = { type: 'DeliveryCarded', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const flagged = { type: 'OrderExceptionFlagged', shopId: 's1', data: { orderId: 'o1', riderId: 'li' } };
const erased = { type: 'PersonalDataErased', shopId: 's1', data: { personId: 'p1', shopId: 's1' } };
const atRisk = { type: 'DeliveryAtRisk', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li' } };
const late = { type: 'DeliveryLate', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li' } };
const replanned = { type: 'RiderRunReplanned', shopId: 's1', data: { riderId: 'li', shopId: 's1', planId: 'p1', orderIds: ['o1', 'o2'] } };
const held = { type: 'IntakeOrderNeedsAttention', shopId: 's1', data: { intakeId: 'i1', shopId: 's1', reason: 'missing_delivery_date' } };
const mention = { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', mentions: ['fay', 'li'] } };

const who = (p: Partial<Principal> & Pick<Principal, 'role'>): Principal => ({ sub: 'x', ...p }) as Principal;

describe('who is told about an event', () => {
  it.each([
    ['an operator, of any shop', who({ role: 'operator' }), placed, true],
    ['staff of the shop, of an order from their web shop held for them', who({ role: 'staff', shopId: 's1' }), held, true],
    ['staff of another shop, of a held order', who({ role: 'staff', shopId: 's2' }), held, false],
    ['a dispatcher, of a held order (staff resolve it)', who({ role: 'dispatcher', shopId: 's1' }), held, false],
    ['a florist, of a held order', who({ role: 'florist', shopId: 's1' }), held, false],
    ['staff of the shop', who({ role: 'staff', shopId: 's1' }), placed, true],
    ['staff of another shop', who({ role: 'staff', shopId: 's2' }), placed, false],
    ['a dispatcher of the shop', who({ role: 'dispatcher', shopId: 's1' }), assigned, true],
    ['a dispatcher of another shop', who({ role: 'dispatcher', shopId: 's2' }), assigned, false],
    ['a florist, of an accepted order (their queue)', who({ role: 'florist', shopId: 's1' }), accepted, true],
    ['a florist, of a placed order not yet accepted', who({ role: 'florist', shopId: 's1' }), placed, false],
    ['the rider assigned', who({ role: 'rider', shopId: 's1', sub: 'li' }), assigned, true],
    ['another rider of the shop', who({ role: 'rider', shopId: 's1', sub: 'mo' }), assigned, false],
    ['a rider, of an order nobody assigned to them', who({ role: 'rider', shopId: 's1', sub: 'li' }), placed, false],
    ['the customer of the order', who({ role: 'customer', orderId: 'o1' }), accepted, true],
    ['the customer of another order', who({ role: 'customer', orderId: 'o2' }), accepted, false],
    ['the customer, of dispatch internals', who({ role: 'customer', orderId: 'o1' }), assigned, false],
    ['the customer, of the finished arrangement’s photo', who({ role: 'customer', orderId: 'o1' }), photo, true],
    ['the customer, of a card left at the door', who({ role: 'customer', orderId: 'o1' }), carded, true],
    ['the customer, of an exception the shop handles', who({ role: 'customer', orderId: 'o1' }), flagged, false],
    ['a florist, of the photo of their arrangement', who({ role: 'florist', shopId: 's1' }), photo, true],
    ['a florist, of a delivery attempt', who({ role: 'florist', shopId: 's1' }), carded, false],
    ['staff of the shop, of an erasure', who({ role: 'staff', shopId: 's1' }), erased, true],
    ['a rider, of an erasure', who({ role: 'rider', shopId: 's1', sub: 'li' }), erased, false],
    ['a florist @mentioned in a conversation of their shop', who({ role: 'florist', shopId: 's1', sub: 'fay' }), mention, true],
    ['a rider @mentioned in a conversation of their shop', who({ role: 'rider', shopId: 's1', sub: 'li' }), mention, true],
    ['a florist of the shop, not mentioned', who({ role: 'florist', shopId: 's1', sub: 'gus' }), mention, false],
    ['a florist of another shop with the mentioned name', who({ role: 'florist', shopId: 's2', sub: 'fay' }), mention, false],
    ['the customer, of a conversation the shop holds', who({ role: 'customer', orderId: 'o1' }), mention, false],
    ['the rider of an order at risk', who({ role: 'rider', shopId: 's1', sub: 'li' }), atRisk, true],
    ['the rider of a late order', who({ role: 'rider', shopId: 's1', sub: 'li' }), late, true],
    ['another rider, of an order at risk', who({ role: 'rider', shopId: 's1', sub: 'mo' }), atRisk, false],
    ['a dispatcher, of an order at risk', who({ role: 'dispatcher', shopId: 's1' }), atRisk, true],
    ['the customer, of their order at risk (the ETA tells them)', who({ role: 'customer', orderId: 'o1' }), late, false],
    ['the rider whose run was replanned', who({ role: 'rider', shopId: 's1', sub: 'li' }), replanned, true],
    ['another rider, of a rider’s run replanned', who({ role: 'rider', shopId: 's1', sub: 'mo' }), replanned, false],
    ['the rider’s shop’s desk, of their run replanned', who({ role: 'dispatcher', shopId: 's1' }), replanned, true],
    ['staff of another shop, of a rider’s run replanned', who({ role: 'staff', shopId: 's2' }), replanned, false],
    ['a florist, of a rider’s run replanned', who({ role: 'florist', shopId: 's1' }), replanned, false],
    ['the customer of an order on the replanned run', who({ role: 'customer', orderId: 'o1' }), replanned, false],
  ])('%s', (_label, principal, event, expected) => {
    expect(mayReceive(principal, event)).toBe(expected);
  });
});

/**
 * Messaging's events, channel by channel, as apps/messaging publishes them: the internal channel
 * tells the shop's staff, dispatchers and florists and the rider taking part; the customer channel
 * the shop's staff and the order's customer; a shop channel the shop's staff. A mention, by name or
 * by role, adds those it names, but never past who may read the channel.
 */
describe('who is told about what is said in a conversation', () => {
  const people = {
    operator: who({ role: 'operator', sub: 'olga' }),
    'staff alice': who({ role: 'staff', shopId: 's1', sub: 'alice' }),
    'staff of another shop': who({ role: 'staff', shopId: 's2', sub: 'alice' }),
    'dispatcher carol': who({ role: 'dispatcher', shopId: 's1', sub: 'carol' }),
    'dispatcher of another shop': who({ role: 'dispatcher', shopId: 's2', sub: 'carol' }),
    'florist fay': who({ role: 'florist', shopId: 's1', sub: 'fay' }),
    'florist gus': who({ role: 'florist', shopId: 's1', sub: 'gus' }),
    'florist of another shop': who({ role: 'florist', shopId: 's2', sub: 'fay' }),
    'rider li (taking part)': who({ role: 'rider', shopId: 's1', sub: 'li' }),
    'rider mo': who({ role: 'rider', shopId: 's1', sub: 'mo' }),
    'rider of another shop': who({ role: 'rider', shopId: 's2', sub: 'li' }),
    'customer of the order': who({ role: 'customer', orderId: 'o1', sub: 'buyer-1' }),
    'customer of another order': who({ role: 'customer', orderId: 'o2', sub: 'buyer-2' }),
  } satisfies Record<string, Principal>;
  type Person = keyof typeof people;

  const conversation = { orderId: 'o1', shopId: 's1' };
  const said = (type: string, channel: string, extra: object = {}) => ({
    type,
    shopId: 's1',
    data: { ...conversation, channel, messageId: 'm1', mentions: [], mentionRefs: [], ...(channel === 'internal' ? { riderId: 'li' } : {}), ...extra },
  });
  const role = (name: string) => ({ kind: 'role', role: name });
  const shopChannel = (extra: object = {}) => ({
    type: 'ShopChannelMessagePosted',
    shopId: 's1',
    data: { shopId: 's1', channelId: 'c1', messageId: 'm1', mentions: [], mentionRefs: [], ...extra },
  });

  const inside: Person[] = ['operator', 'staff alice', 'dispatcher carol', 'florist fay', 'florist gus', 'rider li (taking part)'];
  const desk: Person[] = ['operator', 'staff alice', 'dispatcher carol'];
  const staffOnly: Person[] = ['operator', 'staff alice'];
  const shopChannelTold: Person[] = [...staffOnly, 'rider li (taking part)', 'rider mo'];
  const customerSide: Person[] = ['operator', 'staff alice', 'customer of the order'];

  // [what, event, everyone told: anyone not listed is not]
  const table: Array<[string, { type: string; shopId: string; data: unknown }, Person[]]> = [
    ['an internal message', said('MessagePosted', 'internal'), inside],
    ['an internal edit', said('MessageEdited', 'internal'), inside],
    ['an internal recall', said('MessageRecalled', 'internal'), inside],
    [
      'an internal message while no rider takes part',
      said('MessagePosted', 'internal', { riderId: undefined }),
      inside.filter((p) => p !== 'rider li (taking part)'),
    ],
    ['an internal read receipt', said('MessagesRead', 'internal', { reader: { role: 'florist', subject: 'fay' }, upToMessageId: 'm1' }), desk],
    ['a customer-channel message', said('MessagePosted', 'customer'), customerSide],
    ['a customer-channel edit', said('MessageEdited', 'customer'), customerSide],
    ['a customer-channel recall', said('MessageRecalled', 'customer'), customerSide],
    ['a customer-channel read receipt', said('MessagesRead', 'customer', { reader: { role: 'customer', subject: 'buyer-1' }, upToMessageId: 'm1' }), staffOnly],
    ['a customer-channel message that names a rider (never published)', said('MessagePosted', 'customer', { riderId: 'li' }), customerSide],
    ['a message of a channel not known here', said('MessagePosted', 'shouting'), staffOnly],
    ['a message without a channel', { type: 'MessagePosted', shopId: 's1', data: { ...conversation, messageId: 'm1', mentions: [] } }, staffOnly],
    ['a shop-channel message', shopChannel(), shopChannelTold],
    [
      'a shop-channel message of another shop',
      { ...shopChannel(), shopId: 's2', data: { shopId: 's2', channelId: 'c2', mentions: [], mentionRefs: [] } },
      ['operator', 'staff of another shop', 'rider of another shop'],
    ],
    ['an internal message @florist', said('MessagePosted', 'internal', { mentionRefs: [role('florist')] }), inside],
    ['an internal message @dispatcher and @staff', said('MessagePosted', 'internal', { mentionRefs: [role('dispatcher'), role('staff')] }), inside],
    ['a customer-channel message @staff', said('MessagePosted', 'customer', { mentionRefs: [role('staff')] }), customerSide],
    [
      'a customer-channel message @dispatcher @florist (refused by messaging)',
      said('MessagePosted', 'customer', { mentionRefs: [role('dispatcher'), role('florist')] }),
      customerSide,
    ],
    ['a customer-channel message @rider (no such mention)', said('MessagePosted', 'customer', { mentionRefs: [role('rider')] }), customerSide],
    [
      'a customer-channel message mentioning staff alice',
      said('MessagePosted', 'customer', { mentions: ['alice'], mentionRefs: [{ kind: 'person', subject: 'alice' }] }),
      customerSide,
    ],
    ['an internal message mentioning fay', said('MessagePosted', 'internal', { mentions: ['fay'], mentionRefs: [{ kind: 'person', subject: 'fay' }] }), inside],
    ['a shop-channel message @florist', shopChannel({ mentionRefs: [role('florist')] }), [...shopChannelTold, 'florist fay', 'florist gus']],
    ['a shop-channel message @dispatcher', shopChannel({ mentionRefs: [role('dispatcher')] }), [...shopChannelTold, 'dispatcher carol']],
    [
      'a shop-channel message mentioning gus',
      shopChannel({ mentions: ['gus'], mentionRefs: [{ kind: 'person', subject: 'gus' }] }),
      [...shopChannelTold, 'florist gus'],
    ],
    ['a shop-channel message @staff', shopChannel({ mentionRefs: [role('staff')] }), shopChannelTold],
    ['a shop-channel message @rider (no such mention)', shopChannel({ mentionRefs: [role('rider')] }), shopChannelTold],
    ['a conversation opened', { type: 'ConversationOpened', shopId: 's1', data: { ...conversation, channels: ['internal', 'customer'] } }, desk],
    ['a rider joining', { type: 'RiderJoined', shopId: 's1', data: { ...conversation, riderId: 'li' } }, [...desk, 'rider li (taking part)']],
    [
      'an exception the rider reported, acknowledged',
      {
        type: 'ExceptionAcknowledged',
        shopId: 's1',
        data: { ...conversation, exceptionId: 'x1', riderId: 'li', acknowledgedBy: { role: 'staff', subject: 'alice' } },
      },
      [...desk, 'rider li (taking part)'],
    ],
    [
      'an exception the rider reported, resolved',
      { type: 'ExceptionResolved', shopId: 's1', data: { ...conversation, exceptionId: 'x1', riderId: 'li', outcome: 'redelivered' } },
      [...desk, 'rider li (taking part)'],
    ],
    [
      'an exception naming no rider, resolved',
      { type: 'ExceptionResolved', shopId: 's1', data: { ...conversation, exceptionId: 'x1', outcome: 'refunded' } },
      desk,
    ],
    ['a shop channel opened', { type: 'ShopChannelOpened', shopId: 's1', data: { shopId: 's1', channelId: 'c1', name: 'Today' } }, desk],
  ];
  const rows = table.flatMap(([what, event, told]) =>
    (Object.keys(people) as Person[]).map((person) => ({ what, event, person, expected: told.includes(person) })),
  );

  it.each(rows)('$what: $person is told $expected', ({ event, person, expected }) => {
    expect(mayReceive(people[person], event)).toBe(expected);
  });
});

describe('which orders a rider sees', () => {
  const grace = { now: '2026-02-14T12:00:00.000Z', riderGraceMinutes: 60 };
  it.each([
    ['the order assigned to them', { riderId: 'li', closed: false }, true],
    ['an order assigned to another rider', { riderId: 'mo', closed: false }, false],
    ['an order nobody rides', { closed: false }, false],
    ['the order they delivered, within the grace period', { riderId: 'li', deliveredAt: '2026-02-14T11:00:00.001Z', closed: false }, true],
    ['the order they delivered, once the grace period is over', { riderId: 'li', deliveredAt: '2026-02-14T11:00:00.000Z', closed: false }, false],
    ['an order that ended without delivery', { riderId: 'li', closed: true }, false],
  ])('%s: %s', (_case, order, sees) => {
    expect(riderSeesOrder('li', order, grace)).toBe(sees);
  });

  it('with no grace period, loses a delivered order at once', () => {
    expect(riderSeesOrder('li', { riderId: 'li', deliveredAt: grace.now, closed: false }, { ...grace, riderGraceMinutes: 0 })).toBe(false);
  });
});
