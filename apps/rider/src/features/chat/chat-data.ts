import { useQuery } from '@tanstack/react-query';
import { api, data } from '../../api';

export interface ChatMessage {
  messageId: string;
  author: { role: string; subject: string } | null;
  text: string;
  system?: { kind: 'out_for_delivery' | 'delivered'; riderId?: string };
  postedAt: string;
}

const PAGE = 200;

/** Every message of a channel, oldest first, page after page (a day's chat is a page or two). */
async function allPages(page: (after: number | undefined) => Promise<{ items: ChatMessage[]; nextCursor: string | null }>): Promise<ChatMessage[]> {
  const messages: ChatMessage[] = [];
  let after: number | undefined;
  for (let i = 0; i < 10; i++) {
    const answer = await page(after);
    messages.push(...answer.items);
    if (!answer.nextCursor) break;
    after = Number(answer.nextCursor);
  }
  return messages;
}

export const useOrderChat = (orderId: string) =>
  useQuery({
    queryKey: ['chat', 'order', orderId],
    queryFn: () =>
      allPages((after) =>
        data(
          api.messaging.GET('/conversations/{orderId}/channels/{channel}/messages', {
            params: { path: { orderId, channel: 'internal' }, query: { limit: PAGE, ...(after !== undefined ? { after } : {}) } },
          }),
        ),
      ),
  });

export interface ShopChannel {
  channelId: string;
  name: string;
}

/** The shop's channels the rider may read (messaging lists them to the shop's riders). */
export const useShopChannels = (shopId: string | undefined) =>
  useQuery({
    queryKey: ['chat', 'shop-channels', shopId],
    enabled: Boolean(shopId),
    queryFn: async (): Promise<ShopChannel[]> =>
      (await data(api.messaging.GET('/shops/{shopId}/channels', { params: { path: { shopId: shopId ?? '' } } }))).items,
  });

export const useShopChat = (shopId: string | undefined, channelId: string | undefined) =>
  useQuery({
    queryKey: ['chat', 'shop', shopId, channelId],
    enabled: Boolean(shopId && channelId),
    queryFn: () =>
      allPages(
        async (after) =>
          (await data(
            api.messaging.GET('/shops/{shopId}/channels/{channelId}/messages', {
              params: { path: { shopId: shopId ?? '', channelId: channelId ?? '' }, query: { limit: PAGE, ...(after !== undefined ? { after } : {}) } },
            }),
          )) as { items: ChatMessage[]; nextCursor: string | null },
      ),
  });

/** The shop's quick replies: one tap for "5 minutes away", "at the door". */
export const useQuickReplies = (shopId: string | undefined) =>
  useQuery({
    queryKey: ['quick-replies', shopId],
    enabled: Boolean(shopId),
    staleTime: 10 * 60_000,
    queryFn: () => data(api.messaging.GET('/shops/{shopId}/quick-replies', { params: { path: { shopId: shopId ?? '' } } })),
  });

/** The shop's people by id, to name who wrote (a rider sees names and roles). */
export const usePeople = (shopId: string | undefined) =>
  useQuery({
    queryKey: ['members', shopId],
    enabled: Boolean(shopId),
    staleTime: 10 * 60_000,
    queryFn: async () => {
      const members = await data(api.accounts.GET('/shops/{shopId}/members', { params: { path: { shopId: shopId ?? '' } } }));
      return new Map(members.items.map((m) => [m.personId, m.displayName]));
    },
  });
