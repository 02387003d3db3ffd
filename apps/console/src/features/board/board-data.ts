import type { OrdersPaths } from '@petalpost/api-clients';
import { keepPreviousData, useInfiniteQuery, useQueries } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api, data } from '../../api';
import { shopDayBounds } from '../../shop-clock';

type OrdersPage = OrdersPaths['/orders']['get']['responses'][200]['content']['application/json'];
export type BoardOrder = OrdersPage['items'][number];
export type OrderStatus = BoardOrder['status'];

const PAGE_SIZE = 200;
/** A busy Valentine's day stays well under this; past it the board says the list is cut. */
export const BOARD_LIMIT = 1000;

/**
 * The day's orders in window order, every page of them. The first page is shown as soon as it
 * arrives and the next ones follow, so a day of 500 orders is on screen as fast as one of 50. The
 * search is the API's own `q` (part of the reference or of the recipient's name, on the server),
 * so it also finds what a cut list would not show. No polling: the live stream refetches this
 * when anything changes.
 */
export function useDayOrders(date: string, timeZone: string, search: string) {
  const query = useInfiniteQuery({
    queryKey: ['orders', 'board', date, timeZone, search],
    placeholderData: keepPreviousData,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: OrdersPage, pages: OrdersPage[]) => (pages.length * PAGE_SIZE < BOARD_LIMIT ? (page.nextCursor ?? undefined) : undefined),
    queryFn: ({ signal, pageParam }) => {
      const { from, to } = shopDayBounds(date, timeZone);
      const query = {
        windowFrom: from,
        windowTo: to,
        sort: 'window' as const,
        limit: PAGE_SIZE,
        ...(search ? { q: search } : {}),
        ...(pageParam ? { cursor: pageParam } : {}),
      };
      return data<OrdersPage>(api.orders.GET('/orders', { params: { query }, signal }));
    },
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const pages = query.data?.pages;
  const loaded = useMemo(() => {
    if (!pages) return undefined;
    const last = pages[pages.length - 1];
    return { orders: pages.flatMap((p) => p.items), cut: pages.length * PAGE_SIZE >= BOARD_LIMIT && Boolean(last?.nextCursor) };
  }, [pages]);
  return { data: loaded, isPending: query.isPending, isSuccess: query.isSuccess, error: query.error };
}

// The orders list carries no address nor risk; dispatch's board does. Only open deliveries matter:
// a point can still be dropped before the rider leaves, a risk still acted on, and these statuses
// hold few orders at any time.
const OPEN_DELIVERIES = ['awaiting_acceptance', 'awaiting_assignment', 'ready_for_pickup', 'out_for_delivery'] as const;

type DeliveryList = Awaited<ReturnType<typeof deliveriesIn>>;
const deliveriesIn = (status: (typeof OPEN_DELIVERIES)[number], signal: AbortSignal) =>
  data(api.dispatch.GET('/deliveries', { params: { query: { status, limit: 500 } }, signal }));
const openDeliveryQueries = OPEN_DELIVERIES.map((status) => ({
  queryKey: ['dispatch', 'deliveries', status],
  queryFn: ({ signal }: { signal: AbortSignal }) => deliveriesIn(status, signal),
}));

export type DeliveryAlert = 'atRisk' | 'late';

/** What the board marks on an order's card, from dispatch's board. */
export interface DeliveryMarks {
  /** Orders whose address has no map point (dispatch will have to ask). */
  withoutPoint: Set<string>;
  /** At risk and late, as dispatch flagged them for the order's current window. */
  alerts: Map<string, DeliveryAlert>;
}

function marksOf(boards: Array<{ data?: DeliveryList }>): DeliveryMarks {
  const marks: DeliveryMarks = { withoutPoint: new Set(), alerts: new Map() };
  for (const board of boards)
    for (const delivery of board.data?.items ?? []) {
      const recipient = delivery.recipient;
      if (recipient && recipient !== 'erased' && !recipient.address.geo) marks.withoutPoint.add(delivery.orderId);
      if (delivery.risk === 'late') marks.alerts.set(delivery.orderId, 'late');
      else if (delivery.risk === 'at_risk') marks.alerts.set(delivery.orderId, 'atRisk');
    }
  return marks;
}

/** The open deliveries' marks; refetched, like every query, when the live stream says something changed. */
export function useDeliveryMarks(): DeliveryMarks {
  // A stable combine is re-run only when an answer changes, so the cards' props stay the same otherwise.
  return useQueries({ queries: openDeliveryQueries, combine: marksOf });
}
