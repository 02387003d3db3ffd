import { mayReceive, type Principal } from '@petalpost/auth';
import { ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import { audiencesFor, audiencesOf, type RoutedEvent } from './audiences';

const who = (p: Partial<Principal> & Pick<Principal, 'role'>): Principal => ({ sub: 'x', ...p }) as Principal;

/** Everyone who could be connected: of the event's shop, of another, riders by name, customers by order. */
const principals: Record<string, Principal> = {
  operator: who({ role: 'operator', sub: 'olga' }),
  'staff s1': who({ role: 'staff', shopId: 's1', sub: 'alice' }),
  'staff s2': who({ role: 'staff', shopId: 's2', sub: 'alice' }),
  'dispatcher s1': who({ role: 'dispatcher', shopId: 's1', sub: 'carol' }),
  'dispatcher s2': who({ role: 'dispatcher', shopId: 's2', sub: 'carol' }),
  'florist s1': who({ role: 'florist', shopId: 's1', sub: 'fay' }),
  'florist s1, not fay': who({ role: 'florist', shopId: 's1', sub: 'gus' }),
  'florist s2 named fay': who({ role: 'florist', shopId: 's2', sub: 'fay' }),
  'rider li s1': who({ role: 'rider', shopId: 's1', sub: 'li' }),
  'rider mo s1': who({ role: 'rider', shopId: 's1', sub: 'mo' }),
  'rider li s2': who({ role: 'rider', shopId: 's2', sub: 'li' }),
  'customer o1': who({ role: 'customer', orderId: 'o1', sub: 'buyer-1' }),
  'customer o2': who({ role: 'customer', orderId: 'o2', sub: 'buyer-2' }),
};

/** Every order event type, with and without a rider, in both shops; dispatch and messaging shapes; an unknown type. */
const events: Record<string, RoutedEvent> = {};
for (const { type } of ORDER_EVENT_CONTRACTS) {
  events[`${type} o1@s1`] = { type, shopId: 's1', data: { orderId: 'o1', shopId: 's1' } };
  events[`${type} o1@s1 ridden by li`] = { type, shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li' } };
  events[`${type} o2@s2 ridden by li`] = { type, shopId: 's2', data: { orderId: 'o2', shopId: 's2', riderId: 'li' } };
}
Object.assign(events, {
  'PersonalDataErased of s1': { type: 'PersonalDataErased', shopId: 's1', data: { personId: 'p1', shopId: 's1' } },
  'EtaUpdated o1 (dispatch)': { type: 'EtaUpdated', shopId: 's1', data: { orderId: 'o1', riderId: 'li', eta: '2026-02-14T14:10:00Z' } },
  'DeliveryAtRisk o1 (dispatch)': { type: 'DeliveryAtRisk', shopId: 's1', data: { orderId: 'o1', riderId: 'mo' } },
  'DeliveryLate o1 (dispatch)': { type: 'DeliveryLate', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li' } },
  'RiderRunReplanned of li (dispatch)': {
    type: 'RiderRunReplanned',
    shopId: 's1',
    data: { riderId: 'li', shopId: 's1', planId: 'p1', orderIds: ['o1', 'o2'] },
  },
  'RouteChanged of li (dispatch, no order)': { type: 'RouteChanged', shopId: 's1', data: { riderId: 'li' } },
  'MessagePosted mentioning fay and li': { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', mentions: ['fay', 'li'] } },
  'MessagePosted in s2 mentioning fay': { type: 'MessagePosted', shopId: 's2', data: { orderId: 'o2', mentions: ['fay'] } },
  'OrderGiftWrapped (a newer producer’s type)': { type: 'OrderGiftWrapped', shopId: 's1', data: { orderId: 'o1' } },
} satisfies Record<string, RoutedEvent>);

/** Messaging's events as published: each message type in each channel, plain and with mentions of people and roles. */
const role = (name: string) => ({ kind: 'role', role: name });
const person = (subject: string) => ({ kind: 'person', subject });
const said = (type: string, channel: string, data: object = {}): RoutedEvent => ({
  type,
  shopId: 's1',
  data: { orderId: 'o1', shopId: 's1', channel, messageId: 'm1', mentions: [], mentionRefs: [], ...(channel === 'internal' ? { riderId: 'li' } : {}), ...data },
});
const mentionings: Record<string, object> = {
  '': {},
  ' @florist': { mentionRefs: [role('florist')] },
  ' @dispatcher @staff': { mentionRefs: [role('dispatcher'), role('staff')] },
  ' @florist @dispatcher @rider (refused by messaging)': { mentionRefs: [role('florist'), role('dispatcher'), role('rider')] },
  ' mentioning alice and fay': { mentions: ['alice', 'fay'], mentionRefs: [person('alice'), person('fay')] },
};
for (const type of ['MessagePosted', 'MessageEdited', 'MessageRecalled']) {
  for (const channel of ['internal', 'customer', 'shouting']) {
    for (const [mentioning, data] of Object.entries(mentionings)) events[`${type} in the ${channel} channel${mentioning}`] = said(type, channel, data);
  }
}
Object.assign(events, {
  'MessagePosted in the internal channel, no rider taking part': said('MessagePosted', 'internal', { riderId: undefined }),
  'MessagePosted in the customer channel naming a rider (never published)': said('MessagePosted', 'customer', { riderId: 'li' }),
  'MessagePosted in the customer channel of o2@s2': {
    type: 'MessagePosted',
    shopId: 's2',
    data: { orderId: 'o2', shopId: 's2', channel: 'customer', mentions: [], mentionRefs: [] },
  },
  'MessagePosted without a channel': { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', shopId: 's1', messageId: 'm1' } },
  'MessagesRead in the internal channel': said('MessagesRead', 'internal', {
    riderId: undefined,
    reader: { role: 'florist', subject: 'fay' },
    upToMessageId: 'm1',
  }),
  'MessagesRead in the customer channel': said('MessagesRead', 'customer', { reader: { role: 'customer', subject: 'buyer-1' }, upToMessageId: 'm1' }),
  'ConversationOpened o1': { type: 'ConversationOpened', shopId: 's1', data: { orderId: 'o1', shopId: 's1', channels: ['internal', 'customer'] } },
  'RiderJoined li o1': { type: 'RiderJoined', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li' } },
  'RiderLeft li o1': { type: 'RiderLeft', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li', reason: 'reassigned' } },
  'ShopChannelOpened of s1': { type: 'ShopChannelOpened', shopId: 's1', data: { shopId: 's1', channelId: 'c1', name: 'Today' } },
  'ShopChannelMessagePosted of s1': { type: 'ShopChannelMessagePosted', shopId: 's1', data: { shopId: 's1', channelId: 'c1', mentions: [], mentionRefs: [] } },
  'ShopChannelMessagePosted of s1 @florist @dispatcher': {
    type: 'ShopChannelMessagePosted',
    shopId: 's1',
    data: { shopId: 's1', channelId: 'c1', mentions: [], mentionRefs: [role('florist'), role('dispatcher')] },
  },
  'ShopChannelMessagePosted of s1 mentioning gus': {
    type: 'ShopChannelMessagePosted',
    shopId: 's1',
    data: { shopId: 's1', channelId: 'c1', mentions: ['gus'], mentionRefs: [person('gus')] },
  },
  'ShopChannelMessagePosted of s1 mentioning rider li': {
    type: 'ShopChannelMessagePosted',
    shopId: 's1',
    data: { shopId: 's1', channelId: 'c1', mentions: ['li'], mentionRefs: [person('li')] },
  },
  'ShopChannelMessagePosted of s1 @rider (no such mention)': {
    type: 'ShopChannelMessagePosted',
    shopId: 's1',
    data: { shopId: 's1', channelId: 'c1', mentions: [], mentionRefs: [role('rider')] },
  },
  'ShopChannelMessagePosted of s2 @florist': {
    type: 'ShopChannelMessagePosted',
    shopId: 's2',
    data: { shopId: 's2', channelId: 'c2', mentions: [], mentionRefs: [role('florist')] },
  },
  // Should a customer's @mention get through messaging, it reaches nobody by mention.
  'MessagePosted in the customer channel by its customer, @staff and mentioning fay': {
    type: 'MessagePosted',
    shopId: 's1',
    data: {
      orderId: 'o1',
      shopId: 's1',
      channel: 'customer',
      author: { role: 'customer', subject: 'buyer-1' },
      mentions: ['fay'],
      mentionRefs: [role('staff'), person('fay')],
    },
  },
  'ExceptionReported o1 by li': { type: 'ExceptionReported', shopId: 's1', data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', riderId: 'li' } },
  'ExceptionAcknowledged o1, reported by li': {
    type: 'ExceptionAcknowledged',
    shopId: 's1',
    data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', riderId: 'li' },
  },
  'ExceptionResolved o1, reported by li': { type: 'ExceptionResolved', shopId: 's1', data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', riderId: 'li' } },
  'ExceptionResolved o1, naming no rider': { type: 'ExceptionResolved', shopId: 's1', data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1' } },
} satisfies Record<string, RoutedEvent>);

const cases = Object.entries(principals).flatMap(([principalName, principal]) =>
  Object.entries(events).map(([eventName, event]) => ({ principalName, principal, eventName, event })),
);

describe('inbox audiences follow the visibility table', () => {
  it.each(cases)('$principalName, of $eventName', ({ principal, event }) => {
    const readable = new Set(audiencesOf(principal));
    const meets = audiencesFor(event).some((audience) => readable.has(audience));
    expect(meets).toBe(mayReceive(principal, event));
  });

  it('covers both answers for every role, so the table above is not trivially true', () => {
    for (const principal of Object.values(principals)) {
      const answers = new Set(Object.values(events).map((event) => mayReceive(principal, event)));
      if (principal.role === 'operator') expect(answers).toEqual(new Set([true]));
      else expect(answers).toEqual(new Set([true, false]));
    }
  });

  it('writes an event to each inbox once, in one order, so writers lock heads alike', () => {
    const audiences = audiencesFor(events['MessagePosted mentioning fay and li']);
    expect(audiences).toEqual(['operator', 'person:s1:fay', 'person:s1:li', 'staff:s1']);
    expect(audiencesFor(events['OutForDelivery o1@s1 ridden by li'])).toEqual(['operator', 'order:o1', 'rider:s1:li', 'shop:s1']);
  });

  it('writes each channel’s messages to the inboxes of those who read it, and role mentions to the roles that may', () => {
    expect(audiencesFor(events['MessagePosted in the internal channel @florist'])).toEqual([
      'florist:s1',
      'operator',
      'rider:s1:li',
      'role:s1:florist',
      'shop:s1',
    ]);
    expect(audiencesFor(events['MessagePosted in the customer channel @dispatcher @staff'])).toEqual(['operator', 'order:o1', 'role:s1:staff', 'staff:s1']);
    expect(audiencesFor(events['ShopChannelMessagePosted of s1 @florist @dispatcher'])).toEqual([
      'operator',
      'riders:s1',
      'role:s1:dispatcher',
      'role:s1:florist',
      'staff:s1',
    ]);
    expect(audiencesFor(events['ShopChannelMessagePosted of s1 mentioning rider li'])).toEqual(['operator', 'person:s1:li', 'riders:s1', 'staff:s1']);
  });

  it('routes nothing a customer writes by mention: their "@staff" reaches the channel’s readers only', () => {
    const customer = { role: 'customer', subject: 'tracking-link:o1' };
    const shouted = said('MessagePosted', 'customer', { author: customer, mentions: ['alice'], mentionRefs: [role('staff'), person('alice')] });
    expect(audiencesFor(shouted)).toEqual(['operator', 'order:o1', 'staff:s1']);
    // An edit names no author: the event's actor says who.
    const edited = { ...said('MessageEdited', 'customer', { mentions: ['alice'], mentionRefs: [role('staff')] }), metadata: { actor: customer } };
    expect(audiencesFor(edited)).toEqual(['operator', 'order:o1', 'staff:s1']);
    // The shop's own mentions still reach whom they name.
    expect(audiencesFor({ ...shouted, data: { ...(shouted.data as object), author: { role: 'staff', subject: 'bob' } } })).toContain('role:s1:staff');
  });

  it('tells the rider dispatch names of their stops at risk, late or replanned, with the shop’s desk, and never the customer', () => {
    expect(audiencesFor(events['DeliveryAtRisk o1 (dispatch)'])).toEqual(['operator', 'rider:s1:mo', 'shop:s1']);
    expect(audiencesFor(events['DeliveryLate o1 (dispatch)'])).toEqual(['operator', 'rider:s1:li', 'shop:s1']);
    expect(audiencesFor(events['RiderRunReplanned of li (dispatch)'])).toEqual(['operator', 'rider:s1:li', 'shop:s1']);
  });

  it('tells the rider an exception report names that the shop acknowledged it and what it decided', () => {
    expect(audiencesFor(events['ExceptionAcknowledged o1, reported by li'])).toEqual(['operator', 'rider:s1:li', 'shop:s1']);
    expect(audiencesFor(events['ExceptionResolved o1, reported by li'])).toEqual(['operator', 'rider:s1:li', 'shop:s1']);
    expect(audiencesFor(events['ExceptionResolved o1, naming no rider'])).toEqual(['operator', 'shop:s1']);
  });

  it('gives every rider of the shop one inbox of its shop channels, beside their own', () => {
    expect(audiencesOf(principals['rider li s1'])).toEqual(['rider:s1:li', 'riders:s1', 'person:s1:li']);
    expect(audiencesFor(events['ShopChannelMessagePosted of s1'])).toEqual(['operator', 'riders:s1', 'staff:s1']);
    // Only shop channels' messages: an order's events reach the rider they name, never the others.
    expect(audiencesFor(events['OutForDelivery o1@s1 ridden by li'])).not.toContain('riders:s1');
    expect(audiencesFor(events['MessagePosted in the internal channel'])).not.toContain('riders:s1');
    expect(audiencesFor(events['ShopChannelOpened of s1'])).not.toContain('riders:s1');
  });

  it('gives dispatchers no inbox of the customer channel, and staff one of their own', () => {
    expect(audiencesOf(principals['dispatcher s1'])).toEqual(['shop:s1', 'person:s1:carol', 'role:s1:dispatcher']);
    expect(audiencesOf(principals['staff s1'])).toEqual(['shop:s1', 'staff:s1', 'person:s1:alice', 'role:s1:staff']);
  });
});
