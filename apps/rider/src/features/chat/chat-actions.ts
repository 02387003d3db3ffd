import { api, data } from '../../api';
import { defineAction } from '../../outbox/outbox';

/** Where a message goes: an order's internal channel, or one of the shop's channels. */
export type ChatTarget = { kind: 'order'; orderId: string } | { kind: 'shop'; shopId: string; channelId: string };

export interface SendParams {
  target: ChatTarget;
  text?: string;
  quickReplyId?: string;
  /** What the rider sees in the list while it waits. */
  shown: string;
}

/** A message, kept in the outbox like every rider action: in a tunnel it waits, and is posted once (its key). */
export const sendMessage = defineAction<SendParams>('send-message', async (p, { key }) => {
  const body = { ...(p.text ? { text: p.text } : {}), ...(p.quickReplyId ? { quickReplyId: p.quickReplyId } : {}) };
  if (p.target.kind === 'order') {
    await data(
      api.messaging.POST('/conversations/{orderId}/channels/{channel}/messages', {
        params: { path: { orderId: p.target.orderId, channel: 'internal' } },
        headers: { 'idempotency-key': key },
        body,
      }),
    );
  } else {
    await data(
      api.messaging.POST('/shops/{shopId}/channels/{channelId}/messages', {
        params: { path: { shopId: p.target.shopId, channelId: p.target.channelId } },
        headers: { 'idempotency-key': key },
        body,
      }),
    );
  }
});
