import { type Channel, channelAccess, type ConversationFacts, seesReadReceipts, type Viewer } from './channel-access';

const order: ConversationFacts = { orderId: 'o1', shopId: 's1', riderId: 'li', closed: false };
const delivered = (at: string): ConversationFacts => ({ ...order, deliveredAt: at });
const policy = { now: '2026-02-14T12:00:00.000Z', riderGraceMinutes: 60 };

const staff: Viewer = { role: 'staff', sub: 'alice', shopId: 's1' };
const florist: Viewer = { role: 'florist', sub: 'flo', shopId: 's1' };
const dispatcher: Viewer = { role: 'dispatcher', sub: 'dan', shopId: 's1' };
const assignedRider: Viewer = { role: 'rider', sub: 'li', shopId: 's1' };
const otherRider: Viewer = { role: 'rider', sub: 'mo', shopId: 's1' };
const customer: Viewer = { role: 'customer', sub: 'buyer', orderId: 'o1' };
const otherCustomer: Viewer = { role: 'customer', sub: 'buyer2', orderId: 'o2' };
const operator: Viewer = { role: 'operator', sub: 'olga' };
const staffElsewhere: Viewer = { role: 'staff', sub: 'bob', shopId: 's2' };
const dispatcherElsewhere: Viewer = { role: 'dispatcher', sub: 'dee', shopId: 's2' };

type Row = [string, Channel, 'read+post' | 'read' | 'none', Viewer, ConversationFacts];

const table: Row[] = [
  ['staff of the shop', 'internal', 'read+post', staff, order],
  ['staff of the shop', 'customer', 'read+post', staff, order],
  ['florist of the shop', 'internal', 'read+post', florist, order],
  ['florist of the shop', 'customer', 'none', florist, order],
  ['dispatcher of the shop', 'internal', 'read+post', dispatcher, order],
  ['dispatcher of the shop', 'customer', 'none', dispatcher, order],
  ['the assigned rider', 'internal', 'read+post', assignedRider, order],
  ['the assigned rider', 'customer', 'none', assignedRider, order],
  ['another rider of the shop', 'internal', 'none', otherRider, order],
  ['the rider once unassigned', 'internal', 'none', assignedRider, { ...order, riderId: undefined }],
  ['the rider within the grace period', 'internal', 'read+post', assignedRider, delivered('2026-02-14T11:01:00.000Z')],
  ['the rider after the grace period', 'internal', 'none', assignedRider, delivered('2026-02-14T11:00:00.000Z')],
  ['the rider of a cancelled order', 'internal', 'none', assignedRider, { ...order, closed: true }],
  ["the order's customer", 'customer', 'read+post', customer, order],
  ["the order's customer", 'internal', 'none', customer, order],
  ["another order's customer", 'customer', 'none', otherCustomer, order],
  ['an operator', 'internal', 'read', operator, order],
  ['an operator', 'customer', 'read', operator, order],
  ['staff of another shop', 'internal', 'none', staffElsewhere, order],
  ['staff of another shop', 'customer', 'none', staffElsewhere, order],
  ['a dispatcher of another shop', 'internal', 'none', dispatcherElsewhere, order],
  ['a rider of another shop with that id', 'internal', 'none', { ...assignedRider, shopId: 's2' }, order],
];

describe('who may read and post in a channel (one rule, as a table)', () => {
  it.each(table)('%s, %s channel: %s', (_who, channel, expected, viewer, facts) => {
    const access = channelAccess(viewer, channel, facts, policy);
    expect(access.post ? 'read+post' : access.read ? 'read' : 'none').toBe(expected);
  });
});

// [who, channel, sees who read how far, viewer, facts]
const receipts: Array<[string, Channel, boolean, Viewer, ConversationFacts]> = [
  ['staff of the shop', 'internal', true, staff, order],
  ['staff of the shop', 'customer', true, staff, order],
  ['dispatcher of the shop', 'internal', true, dispatcher, order],
  ['dispatcher of the shop', 'customer', false, dispatcher, order],
  ['florist of the shop', 'internal', false, florist, order],
  ['the assigned rider', 'internal', false, assignedRider, order],
  ["the order's customer", 'customer', false, customer, order],
  ['an operator', 'internal', true, operator, order],
  ['an operator', 'customer', true, operator, order],
  ['staff of another shop', 'internal', false, staffElsewhere, order],
  ['a dispatcher of another shop', 'internal', false, dispatcherElsewhere, order],
];

describe('who sees how far each reader has read a channel', () => {
  it.each(receipts)('%s, %s channel: %s', (_who, channel, expected, viewer, facts) => {
    expect(seesReadReceipts(viewer, channel, facts, policy)).toBe(expected);
  });
});
