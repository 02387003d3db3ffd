import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api';
import { fetchRiderOrders, isOpen, type OrderStatus, type OrderSummary } from '../common/orders';

export type Risk = 'on_time' | 'at_risk' | 'late';

const fetchDispatchRun = () => data(api.dispatch.GET('/riders/me/run'));
/** Dispatch's run (`GET /riders/me/run`): the rider's open deliveries today in the order to ride them. */
type DispatchRun = Awaited<ReturnType<typeof fetchDispatchRun>>;
type DispatchStop = DispatchRun['stops'][number];

export interface RunStop {
  orderId: string;
  status: OrderStatus;
  reference?: string;
  recipientName?: string;
  window: { from: string; to: string };
  eta?: string;
  risk: Risk;
  trip?: number;
  stop?: number;
  openExceptions: number;
}

export interface Run {
  /** Dispatch's applied plan the order follows; undefined when the run is by window alone. */
  planId?: string;
  stops: RunStop[];
  /** Done today: delivered, carded, not delivered. */
  done: RunStop[];
}

/** For orders dispatch does not list (done, or not yet on its board): late is plain from the window; at risk needs dispatch's ETA. */
const riskByWindow = (o: OrderSummary, now: number): Risk => (isOpen(o.status) && Date.parse(o.deliveryWindow.to) < now ? 'late' : 'on_time');

/**
 * Today's run: dispatch's planned order with its ETAs and flags, joined with the rider's orders
 * for the recipient's name and the order's state; orders of the rider that dispatch does not list
 * yet follow by window, and what is done today closes the list.
 */
export function combineRun(orders: readonly OrderSummary[], run: DispatchRun | undefined, now: number): Run {
  const byId = new Map(orders.map((o) => [o.orderId, o]));
  const toStop = (o: OrderSummary, planned?: DispatchStop): RunStop => ({
    orderId: o.orderId,
    status: o.status,
    reference: o.reference,
    recipientName: o.recipientName,
    window: planned?.window ?? o.deliveryWindow,
    eta: planned?.eta ?? undefined,
    risk: planned?.risk ?? riskByWindow(o, now),
    trip: planned?.trip ?? undefined,
    stop: planned?.stop ?? undefined,
    openExceptions: o.openExceptions,
  });
  const planned = (run?.stops ?? []).flatMap((s) => {
    const order = byId.get(s.orderId);
    return order && isOpen(order.status) ? [toStop(order, s)] : [];
  });
  const inRun = new Set(planned.map((s) => s.orderId));
  const rest = orders.filter((o) => isOpen(o.status) && !inRun.has(o.orderId)).map((o) => toStop(o));
  const done = orders.filter((o) => !isOpen(o.status) && ['delivered', 'carded', 'delivery_failed'].includes(o.status)).map((o) => toStop(o));
  return { planId: run?.planId ?? undefined, stops: [...planned, ...rest], done };
}

export function useRun() {
  return useQuery({
    queryKey: ['run'],
    queryFn: async () => {
      const [orders, run] = await Promise.all([fetchRiderOrders(), fetchDispatchRun()]);
      return combineRun(orders.items, run, Date.now());
    },
  });
}
