import { wooCommerceWriteback } from '../domain/writeback-plan';
import { type ShopStatusWriter, shopRequest, type StatusToWrite, type WritebackTarget } from './shop-status-writer';
import { wooCommerceApiUrl, wooCommerceAuthorization } from './woocommerce-api';

/**
 * WooCommerce through its REST API v3: the order's status first when it changes (completed once
 * delivered: the same PUT again changes nothing, so a retry may repeat it), then a note, a
 * customer note WooCommerce mails to the buyer unless it is meant for the shop alone.
 */
export class WooCommerceStatusWriter implements ShopStatusWriter {
  readonly platform = 'woocommerce' as const;

  constructor(private readonly options: { timeoutMs: number }) {}

  async write(target: WritebackTarget, status: StatusToWrite, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    if (target.platform !== 'woocommerce') throw new Error(`a ${target.platform} target given to the WooCommerce writer`);
    const plan = wooCommerceWriteback(target.externalRef, status.facts, status.trackingUrl);
    const headers = { Authorization: wooCommerceAuthorization(target) };
    const request = { headers, timeoutMs: this.options.timeoutMs, signal };
    if (plan.setStatus) {
      await shopRequest(wooCommerceApiUrl(target.siteUrl, `orders/${plan.orderId}`), { ...request, method: 'PUT', body: { status: plan.setStatus } });
    }
    const { body } = await shopRequest(wooCommerceApiUrl(target.siteUrl, `orders/${plan.orderId}/notes`), {
      ...request,
      method: 'POST',
      body: { note: plan.note.text, customer_note: plan.note.customerNote },
    });
    const noteId = (body as { id?: unknown } | undefined)?.id;
    return { remoteRef: noteId === undefined ? undefined : `note:${String(noteId)}` };
  }
}
