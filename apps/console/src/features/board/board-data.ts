import type { OrdersPaths } from '@petalpost/api-clients';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, data } from '../../api';
import { useLive } from '../../live/live';
import { shopDayBounds } from '../../ui/shop-clock';

export type BoardOrder = OrdersPaths['/orders']['get']['responses'][200]['content']['application/json']['items'][number];
export type OrderStatus = BoardOrder['status'];

const PAGE_SIZE = 200;
/** A busy Valentine's day stays well under this; past it the board says the list is cut. */
export const BOARD_LIMIT = 1000;

/**
 * The day's orders in window order, every page of them. The search is the API's own `q` (part of
 * the reference or of the recipient's name, on the server), so it also finds what a cut list
 * would not show. No polling: the live stream refetches this when anything changes.
 */
export function useDayOrders(date: string, timeZone: string, search: string) {
  return useQuery({
    queryKey: ['orders', 'board', date, timeZone, search],
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) => {
      const { from, to } = shopDayBounds(date, timeZone);
      const orders: BoardOrder[] = [];
      let cursor: string | undefined;
      do {
        const page = await data(
          api.orders.GET('/orders', {
            params: {
              query: { windowFrom: from, windowTo: to, sort: 'window', limit: PAGE_SIZE, ...(search ? { q: search } : {}), ...(cursor ? { cursor } : {}) },
            },
            signal,
          }),
        );
        orders.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && orders.length < BOARD_LIMIT);
      return { orders, cut: Boolean(cursor) };
    },
  });
}

/** Riders' names by id, for the cards; an id stays shown when dispatch does not answer. */
export function useRiderNames(): Map<string, string> {
  const riders = useQuery({
    queryKey: ['dispatch', 'riders', 'names'],
    queryFn: ({ signal }) => data(api.dispatch.GET('/riders', { params: { query: { limit: 500 } }, signal })),
    staleTime: 5 * 60_000,
  });
  return useMemo(() => new Map((riders.data?.items ?? []).map((r) => [r.riderId, r.name])), [riders.data]);
}

// The orders list carries no address; dispatch's board does. Only open deliveries matter: a point
// can still be dropped before the rider leaves, and these statuses hold few orders at any time.
const OPEN_DELIVERIES = ['awaiting_acceptance', 'awaiting_assignment', 'ready_for_pickup', 'out_for_delivery'] as const;

type DeliveryList = Awaited<ReturnType<typeof deliveriesIn>>;
const deliveriesIn = (status: (typeof OPEN_DELIVERIES)[number], signal: AbortSignal) =>
  data(api.dispatch.GET('/deliveries', { params: { query: { status, limit: 500 } }, signal }));

function withoutPoint(boards: Array<{ data?: DeliveryList }>): Set<string> {
  const unmapped = new Set<string>();
  for (const board of boards)
    for (const delivery of board.data?.items ?? []) {
      const recipient = delivery.recipient;
      if (recipient && recipient !== 'erased' && !recipient.address.geo) unmapped.add(delivery.orderId);
    }
  return unmapped;
}

/** Orders whose address has no map point, as dispatch sees them (dispatch will have to ask). */
export function useOrdersWithoutPoint(): Set<string> {
  return useQueries({
    queries: OPEN_DELIVERIES.map((status) => ({
      queryKey: ['dispatch', 'deliveries', status],
      queryFn: ({ signal }: { signal: AbortSignal }) => deliveriesIn(status, signal),
    })),
    // A stable combine is re-run only when an answer changes, so the cards' props stay the same otherwise.
    combine: withoutPoint,
  });
}

export type DeliveryAlert = 'atRisk' | 'late';

/**
 * At risk and late come from dispatch as critical notifications (DeliveryAtRisk / DeliveryLate,
 * and their order-level twins); the stream re-sends them until someone acknowledges them, so a board
 * opened later learns them too. Late wins over at risk.
 */
export function useDeliveryAlerts(): Map<string, DeliveryAlert> {
  const { recent } = useLive();
  return useMemo(() => {
    const alerts = new Map<string, DeliveryAlert>();
    for (const n of recent) {
      const orderId = n.data?.orderId;
      if (!orderId) continue;
      if (n.eventType === 'DeliveryLate' || n.eventType === 'OrderLate') alerts.set(orderId, 'late');
      else if ((n.eventType === 'DeliveryAtRisk' || n.eventType === 'OrderAtRisk') && !alerts.has(orderId)) alerts.set(orderId, 'atRisk');
    }
    return alerts;
  }, [recent]);
}
