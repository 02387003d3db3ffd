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
  'RouteChanged of li (dispatch, no order)': { type: 'RouteChanged', shopId: 's1', data: { riderId: 'li' } },
  'MessagePosted mentioning fay and li': { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', mentions: ['fay', 'li'] } },
  'MessagePosted in s2 mentioning fay': { type: 'MessagePosted', shopId: 's2', data: { orderId: 'o2', mentions: ['fay'] } },
  'OrderGiftWrapped (a newer producer’s type)': { type: 'OrderGiftWrapped', shopId: 's1', data: { orderId: 'o1' } },
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
    expect(audiences).toEqual(['operator', 'person:s1:fay', 'person:s1:li', 'shop:s1']);
    expect(audiencesFor(events['OutForDelivery o1@s1 ridden by li'])).toEqual(['operator', 'order:o1', 'rider:s1:li', 'shop:s1']);
  });
});
