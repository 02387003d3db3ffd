import type { Role } from '../../session/session';
import type { OrderView } from './order-api';

export type OrderAction = 'accept' | 'reject' | 'payment' | 'cancel' | 'changeWindow' | 'reschedule' | 'address' | 'handOver';

type Status = OrderView['status'];

// The orders service's rules as docs/orders.md states them: which role may send which command,
// and in which statuses the decider takes it. The page offers only these; the service still
// decides, and its 409 is shown when the order moved on meanwhile.
const AT_THE_SHOP: Status[] = ['placed', 'accepted', 'in_production', 'ready'];
const PLANNABLE: Status[] = ['accepted', 'in_production', 'ready'];
const UNDELIVERED: Status[] = ['carded', 'delivery_failed'];
const FINAL: Status[] = ['delivered', 'rejected', 'cancelled', 'returned'];

const RULES: Record<OrderAction, { roles: Role[]; allowed: (order: OrderView) => boolean }> = {
  // A new order waits for the shop to say yes before the florists see it in their queue.
  accept: { roles: ['staff'], allowed: (o) => o.status === 'placed' },
  reject: { roles: ['staff'], allowed: (o) => o.status === 'placed' },
  payment: {
    roles: ['staff'],
    allowed: (o) => o.paid === false && [...AT_THE_SHOP, 'out_for_delivery', 'delivered', ...UNDELIVERED].includes(o.status),
  },
  cancel: { roles: ['staff'], allowed: (o) => AT_THE_SHOP.includes(o.status) },
  changeWindow: { roles: ['staff'], allowed: (o) => AT_THE_SHOP.includes(o.status) },
  reschedule: { roles: ['staff', 'dispatcher'], allowed: (o) => UNDELIVERED.includes(o.status) },
  address: { roles: ['staff', 'dispatcher'], allowed: (o) => !FINAL.includes(o.status) && o.recipient !== undefined && o.recipient !== 'erased' },
  handOver: { roles: ['staff', 'dispatcher'], allowed: (o) => PLANNABLE.includes(o.status) },
};

/** The actions this role may take on the order as it is now. */
export function actionsFor(order: OrderView, role: Role): OrderAction[] {
  return (Object.keys(RULES) as OrderAction[]).filter((action) => RULES[action].roles.includes(role) && RULES[action].allowed(order));
}
