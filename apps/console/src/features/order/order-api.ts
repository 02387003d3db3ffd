import { useQuery } from '@tanstack/react-query';
import type { AccountsPaths, MessagingPaths, OrdersPaths } from '@petalpost/api-clients';
import { api, data } from '../../api';

/** The JSON a GET answers with 200. */
type Answer<Op> = Op extends { responses: { 200: { content: { 'application/json': infer Body } } } } ? Body : never;

export type OrderView = Answer<OrdersPaths['/orders/{orderId}']['get']>;
export type OrderSummary = Answer<OrdersPaths['/orders']['get']>['items'][number];
export type HistoryEntry = Answer<OrdersPaths['/orders/{orderId}/history']['get']>['items'][number];
export type Conversation = Answer<MessagingPaths['/conversations/{orderId}']['get']>;
export type Channel = Conversation['channels'][number]['channel'];
/** How far one reader has read a channel (given to the shop's desk only). */
export type ReadPosition = NonNullable<Conversation['channels'][number]['readers']>[number];
export type Message = Answer<MessagingPaths['/conversations/{orderId}/channels/{channel}/messages']['get']>['items'][number];
export type Member = Answer<AccountsPaths['/shops/{shopId}/members']['get']>['items'][number];

export const orderKey = (orderId: string) => ['order', orderId] as const;

export function useOrder(orderId: string) {
  return useQuery({
    queryKey: orderKey(orderId),
    queryFn: () => data(api.orders.GET('/orders/{orderId}', { params: { path: { orderId } } })),
  });
}

/** The audit trail (staff only: other roles get 403 and the page leaves the timeline out). */
export function useHistory(orderId: string) {
  return useQuery({
    queryKey: ['order', orderId, 'history'],
    queryFn: () => data(api.orders.GET('/orders/{orderId}/history', { params: { path: { orderId } } })),
  });
}

export function useConversation(orderId: string) {
  return useQuery({
    queryKey: ['conversation', orderId],
    queryFn: () => data(api.messaging.GET('/conversations/{orderId}', { params: { path: { orderId } } })),
  });
}

/** Every message of a channel, oldest first, page after page. */
export function useMessages(orderId: string, channel: Channel) {
  return useQuery({
    queryKey: ['conversation', orderId, channel, 'messages'],
    queryFn: async () => {
      const messages: Message[] = [];
      let after: number | undefined;
      do {
        const page = await data(
          api.messaging.GET('/conversations/{orderId}/channels/{channel}/messages', {
            params: { path: { orderId, channel }, query: { limit: 200, ...(after !== undefined ? { after } : {}) } },
          }),
        );
        messages.push(...page.items);
        // The cursor is the last message's number, as text.
        after = page.nextCursor === null ? undefined : Number(page.nextCursor);
      } while (after !== undefined && Number.isFinite(after));
      return messages;
    },
  });
}

/** The shop's people by id (for names in the timeline, the conversation and @mentions). */
export function useMembers(shopId: string | undefined) {
  return useQuery({
    queryKey: ['shop', shopId, 'members'],
    enabled: shopId !== undefined,
    staleTime: 5 * 60_000,
    queryFn: () => data(api.accounts.GET('/shops/{shopId}/members', { params: { path: { shopId: shopId ?? '' } } })),
  });
}

/** The order's If-Match: its version as the service's ETag. */
export const ifMatch = (order: Pick<OrderView, 'version'>) => `"${order.version}"`;
