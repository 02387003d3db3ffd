import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api';

export const fetchOrder = (orderId: string) => data(api.orders.GET('/orders/{orderId}', { params: { path: { orderId } } }));
export const fetchRiderOrders = () => data(api.orders.GET('/orders', { params: { query: { sort: 'window', limit: 200 } } }));

export type OrderView = Awaited<ReturnType<typeof fetchOrder>>;
export type OrderSummary = Awaited<ReturnType<typeof fetchRiderOrders>>['items'][number];
export type OrderStatus = OrderView['status'];
export type FullRecipient = Extract<NonNullable<OrderView['recipient']>, { address: unknown }>;

/** The rider's own orders (the API gives a rider theirs alone), by window. Refetched by the live stream. */
export const useRiderOrders = () => useQuery({ queryKey: ['orders', 'mine'], queryFn: fetchRiderOrders });

/** One of the rider's orders, with the recipient's contact and address while it is theirs. */
export const useOrder = (orderId: string) => useQuery({ queryKey: ['orders', orderId], queryFn: () => fetchOrder(orderId) });

/** The recipient with contact and address, when the API gives them to the reader. */
export function fullRecipient(order: Pick<OrderView, 'recipient'>): FullRecipient | undefined {
  const r = order.recipient;
  return r && r !== 'erased' && 'address' in r ? r : undefined;
}

/** Still the rider's to do: not delivered, carded, failed, returned, cancelled or rejected. */
export const isOpen = (status: OrderStatus): boolean => !['delivered', 'carded', 'delivery_failed', 'returned', 'cancelled', 'rejected'].includes(status);
