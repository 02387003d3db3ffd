import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { type Connection, IntakeConnections } from '../connections/intake-connections.store';
import { verifyWebhookSignature } from '../domain/signatures';
import { IntakeDeliveries, TEST_TOPIC } from './intake-deliveries.store';
import { IntakeDeliveryWorker } from './intake-delivery.worker';

export type Headers = Record<string, string | string[] | undefined>;

/** What the receiver answers a platform (always 200 once a delivery is stored or known). */
export interface WebhookAck {
  received: boolean;
  deliveryId?: string;
  duplicate?: boolean;
  /** Why nothing was stored: a topic we do not take, WooCommerce's creation ping. */
  ignored?: string;
}

/** The Shopify topics we take (docs/intake.md: subscribe to these three). */
export const SHOPIFY_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;
/** The WooCommerce topics we take: a cancellation arrives as order.updated with status cancelled. */
export const WOOCOMMERCE_TOPICS = ['order.created', 'order.updated', 'order.restored'] as const;

/**
 * Receives a platform's webhook delivery: finds the connection (Shopify by its shop domain,
 * WooCommerce by the connection in the URL), verifies the signature over the exact bytes received
 * against the connection's secrets, and stores the delivery — sealed, once per (connection, event)
 * — before answering. Processing happens after (IntakeDeliveryWorker): Shopify gives up after 5 s.
 * A forged or unsigned delivery is refused with 401 and nothing is stored.
 */
@Injectable()
export class WebhookReceiver {
  constructor(
    private readonly connections: IntakeConnections,
    private readonly deliveries: IntakeDeliveries,
    private readonly worker: IntakeDeliveryWorker,
  ) {}

  async shopify(rawBody: Buffer, headers: Headers, { test = false } = {}): Promise<WebhookAck> {
    const domain = header(headers, 'x-shopify-shop-domain');
    const connection = domain ? await this.connections.byShopDomain(domain) : undefined;
    if (!connection || !connection.enabled || connection.platform !== 'shopify') throw notConnected();
    await this.verify(connection, rawBody, header(headers, 'x-shopify-hmac-sha256'));
    const topic = header(headers, 'x-shopify-topic');
    if (!topic) throw new DomainError('invalid', 'TOPIC_MISSING', 'X-Shopify-Topic is missing');
    if (!test && !(SHOPIFY_TOPICS as readonly string[]).includes(topic)) return { received: false, ignored: `topic ${topic} is not taken` };
    // The event id names the event (two subscriptions deliver it twice); the webhook id, one delivery.
    const eventId = header(headers, 'x-shopify-event-id') ?? header(headers, 'x-shopify-webhook-id');
    if (!eventId) throw new DomainError('invalid', 'EVENT_ID_MISSING', 'neither X-Shopify-Event-Id nor X-Shopify-Webhook-Id is given');
    const triggeredAt = header(headers, 'x-shopify-triggered-at');
    return this.store(connection, test ? TEST_TOPIC : topic, eventId, rawBody, triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) ? triggeredAt : undefined);
  }

  async woocommerce(connectionId: string, rawBody: Buffer, headers: Headers, { test = false } = {}): Promise<WebhookAck> {
    const connection = await this.connections.byId(connectionId);
    if (!connection || !connection.enabled || connection.platform !== 'woocommerce') throw notConnected();
    const signature = header(headers, 'x-wc-webhook-signature');
    // WooCommerce pings a new webhook, unsigned, with `webhook_id=<id>`; anything but 200 shows as an error there.
    if (signature === undefined && /^webhook_id=\d+$/.test(rawBody.toString('latin1').trim())) return { received: false, ignored: 'ping' };
    await this.verify(connection, rawBody, signature);
    const topic = header(headers, 'x-wc-webhook-topic');
    if (!topic) throw new DomainError('invalid', 'TOPIC_MISSING', 'X-WC-Webhook-Topic is missing');
    if (!test && !(WOOCOMMERCE_TOPICS as readonly string[]).includes(topic)) return { received: false, ignored: `topic ${topic} is not taken` };
    return this.store(connection, test ? TEST_TOPIC : topic, wooEventId(rawBody), rawBody);
  }

  private async verify(connection: Connection, rawBody: Buffer, signature: string | undefined): Promise<void> {
    const secrets = await this.connections.webhookSecrets(connection.connectionId, new Date());
    if (!verifyWebhookSignature(rawBody, signature, secrets)) {
      throw new DomainError('unauthenticated', 'SIGNATURE_INVALID', 'the webhook signature is missing or does not match the connection’s secret');
    }
  }

  private async store(connection: Connection, topic: string, eventId: string, body: Buffer, triggeredAt?: string): Promise<WebhookAck> {
    const stored = await this.deliveries.store({ connectionId: connection.connectionId, shopId: connection.shopId, eventId, topic, triggeredAt, body });
    if (!stored.duplicate) this.worker.nudge();
    return { received: true, deliveryId: stored.deliveryId, duplicate: stored.duplicate };
  }
}

/**
 * WooCommerce sends no event id, and a new delivery id on every send: one snapshot of an order is
 * (order id, date_modified_gmt). A body that does not say is known by its bytes.
 */
function wooEventId(rawBody: Buffer): string {
  try {
    const order = JSON.parse(rawBody.toString('utf8')) as { id?: unknown; date_modified_gmt?: unknown };
    if ((typeof order.id === 'number' || typeof order.id === 'string') && typeof order.date_modified_gmt === 'string') {
      return `order:${order.id}:${order.date_modified_gmt}`;
    }
  } catch {
    // Not JSON: its bytes name it.
  }
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function notConnected(): DomainError {
  return new DomainError('not_found', 'SHOP_NOT_CONNECTED', 'no enabled connection of this shop system here');
}
