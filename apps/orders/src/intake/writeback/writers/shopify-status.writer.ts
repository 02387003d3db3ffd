import { shopifyWriteback } from '../domain/writeback-plan';
import { type ShopStatusWriter, shopRequest, type StatusToWrite, WritebackFailure, type WritebackTarget } from './shop-status-writer';

// shopify.dev/docs/api/admin-graphql: Order.fulfillments is a list, Order.fulfillmentOrders a connection.
const ORDER_FULFILMENT = `query WritebackOrder($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 10) { id status }
    fulfillmentOrders(first: 20) { nodes { id status } }
  }
}`;
const FULFILLMENT_CREATE = `mutation WritebackFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
}`;
const FULFILLMENT_EVENT_CREATE = `mutation WritebackFulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) { fulfillmentEvent { id status } userErrors { field message } }
}`;

/** Fulfillment orders that can still be fulfilled (FulfillmentOrderStatus). */
const FULFILLABLE = new Set(['OPEN', 'IN_PROGRESS', 'SCHEDULED']);

interface OrderAnswer {
  order: { id: string; fulfillments: Array<{ id: string }>; fulfillmentOrders: { nodes: Array<{ id: string; status: string }> } } | null;
}
interface Payload {
  userErrors: Array<{ field?: string[] | null; message: string }>;
}

/**
 * Shopify through its GraphQL Admin API (the REST Admin API is legacy since October 2024). Every
 * status is told as a fulfillment event on the order's fulfillment; the first one told also makes
 * that fulfillment, over the order's open fulfillment orders, with the customer's tracking link.
 * The order is read first each time, so an attempt repeated after a lost answer finds the
 * fulfillment it made and does not fulfil twice.
 */
export class ShopifyStatusWriter implements ShopStatusWriter {
  readonly platform = 'shopify' as const;

  constructor(private readonly options: { apiVersion: string; timeoutMs: number; adminOrigin?: string }) {}

  async write(target: WritebackTarget, status: StatusToWrite, signal: AbortSignal): Promise<{ remoteRef?: string }> {
    if (target.platform !== 'shopify') throw new Error(`a ${target.platform} target given to the Shopify writer`);
    const plan = shopifyWriteback(target.externalRef, status.facts);
    const graphql = <T>(query: string, variables: Record<string, unknown>) => this.graphql<T>(target, query, variables, signal);

    const { order } = await graphql<OrderAnswer>(ORDER_FULFILMENT, { id: plan.orderGid });
    if (!order) throw new WritebackFailure(`the shop has no order ${plan.orderGid}`, false);
    const open = order.fulfillmentOrders.nodes.filter((fo) => FULFILLABLE.has(fo.status));
    let fulfillmentId = order.fulfillments.at(-1)?.id;
    if (open.length > 0) {
      const created = await graphql<{ fulfillmentCreate: Payload & { fulfillment: { id: string } | null } }>(FULFILLMENT_CREATE, {
        fulfillment: {
          lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })),
          notifyCustomer: plan.notifyCustomer,
          ...(status.trackingUrl ? { trackingInfo: { url: status.trackingUrl } } : {}),
        },
      });
      refuseUserErrors('fulfillmentCreate', created.fulfillmentCreate);
      fulfillmentId = created.fulfillmentCreate.fulfillment?.id;
    }
    if (!fulfillmentId) throw new WritebackFailure(`order ${plan.orderGid} has nothing to fulfil and no fulfillment`, false);

    const event = await graphql<{ fulfillmentEventCreate: Payload }>(FULFILLMENT_EVENT_CREATE, {
      fulfillmentEvent: { fulfillmentId, status: plan.event.status, happenedAt: plan.event.happenedAt, message: plan.event.message },
    });
    refuseUserErrors('fulfillmentEventCreate', event.fulfillmentEventCreate);
    return { remoteRef: fulfillmentId };
  }

  private async graphql<T>(
    target: Extract<WritebackTarget, { platform: 'shopify' }>,
    query: string,
    variables: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<T> {
    const origin = this.options.adminOrigin ?? `https://${target.shopDomain}`;
    const { body } = await shopRequest(`${origin}/admin/api/${this.options.apiVersion}/graphql.json`, {
      method: 'POST',
      headers: { 'X-Shopify-Access-Token': target.accessToken },
      body: { query, variables },
      timeoutMs: this.options.timeoutMs,
      signal,
    });
    const answer = body as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (answer.errors?.length) {
      // Shopify answers throttling (its query cost budget) as a GraphQL error with HTTP 200.
      const throttled = answer.errors.some((e) => e.extensions?.code === 'THROTTLED');
      throw new WritebackFailure(`GraphQL: ${answer.errors.map((e) => e.message).join('; ')}`, throttled);
    }
    if (!answer.data) throw new WritebackFailure('GraphQL answer without data', true);
    return answer.data;
  }
}

function refuseUserErrors(mutation: string, payload: Payload): void {
  if (payload.userErrors.length > 0) throw new WritebackFailure(`${mutation}: ${payload.userErrors.map((e) => e.message).join('; ')}`, false);
}
