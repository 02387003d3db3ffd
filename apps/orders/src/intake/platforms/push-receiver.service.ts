import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { IntakeConnections } from '../connections/intake-connections.store';
import type { IntakeConfig } from '../intake.config';
import { IntakeDeliveries, TEST_TOPIC } from '../webhooks/intake-deliveries.store';
import { IntakeDeliveryWorker } from '../webhooks/intake-delivery.worker';
import { type PlatformConnector, type PushAnswer, type PushHeaders, PushRefused, type PushRequest } from './platform-connector';
import { PlatformConnectors } from './platform-connectors';

/** A push as the HTTP route hands it over. */
export interface IncomingPush {
  method: 'GET' | 'POST';
  pushType?: string;
  headers: PushHeaders;
  query: Record<string, string>;
  rawBody: Buffer;
}

/** What the receiver answers, and what it did: the answer goes to the platform exactly as it is. */
export interface ReceivedPush {
  answer: PushAnswer;
  deliveryId?: string;
  duplicate?: boolean;
  ignored?: string;
  refused?: PushRefused;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path of a connection's push URL under the service's public URL. */
export function pushPath(platform: string, connectionId: string, pushType?: string): string {
  return `/intake/pushes/${platform}/${connectionId}${pushType !== undefined ? `/${pushType}` : ''}`;
}

/**
 * Receives the Chinese platforms' pushes (one URL per connection; Meituan one per push type): the
 * platform's connector verifies the signature against the connection's secrets (the previous one
 * too while a rotation's grace lasts), the push is stored — sealed, once per (connection, event)
 * — and answered at once in the platform's own shape; IntakeDeliveryWorker reads and acts on it
 * after (Meituan and WeChat want an answer within seconds). A push for a connection that is not
 * there, switched off, or another platform's, and a forged one, are refused in the platform's
 * shape and nothing is stored.
 */
@Injectable()
export class PushReceiver {
  private readonly log: Logger;

  constructor(
    private readonly connectors: PlatformConnectors,
    private readonly connections: IntakeConnections,
    private readonly deliveries: IntakeDeliveries,
    private readonly worker: IntakeDeliveryWorker,
    @Inject(SERVICE_CONFIG) private readonly config: IntakeConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'push-receiver' });
  }

  /**
   * The URL the shop registers with the platform: ORDERS_INTAKE_PUBLIC_URL and the route's path,
   * never the Host header a proxy may have rewritten (Meituan signs over the registered URL).
   */
  callbackUrl(platform: string, connectionId: string, pushType?: string): string {
    return `${this.config.ORDERS_INTAKE_PUBLIC_URL.replace(/\/+$/, '')}${pushPath(platform, connectionId, pushType)}`;
  }

  /** The connector of a platform in a push URL: none (404 in our shape: no platform answers there). */
  connectorFor(platform: string, pushType?: string): PlatformConnector {
    const connector = this.connectors.find(platform);
    if (!connector) throw new DomainError('not_found', 'PLATFORM_NOT_CONNECTABLE', `no pushes are taken from ${platform}`);
    if (pushType !== undefined && !connector.pushTypes?.includes(pushType)) {
      throw new DomainError('not_found', 'PUSH_TYPE_UNKNOWN', `${platform} has no push ${pushType} here`);
    }
    return connector;
  }

  /** `test`: the connection's own test push (POST /intake/connections/{id}/test), stored under TEST_TOPIC and never read. */
  async receive(platform: string, connectionId: string, push: IncomingPush, { test = false } = {}): Promise<ReceivedPush> {
    const connector = this.connectorFor(platform, push.pushType);
    const request: PushRequest = {
      method: push.method,
      callbackUrl: this.callbackUrl(platform, connectionId, push.pushType),
      ...(push.pushType !== undefined ? { pushType: push.pushType } : {}),
      headers: push.headers,
      query: push.query,
      rawBody: push.rawBody,
    };
    const where = { platform, connectionId, pushType: push.pushType };
    const found = UUID.test(connectionId) ? await this.connections.withSecrets(connectionId, new Date()) : undefined;
    if (!found || !found.connection.enabled || found.connection.platform !== platform) {
      const refusal = new PushRefused('SHOP_NOT_CONNECTED', `no enabled ${platform} connection ${connectionId} here`);
      this.log.warn({ ...where, code: refusal.code }, 'platform push refused: no such connection');
      return { answer: connector.refuse(request, refusal), refused: refusal };
    }
    const { connection, secrets } = found;
    let verdict;
    try {
      verdict = connector.verify(request, secrets);
    } catch (err) {
      if (!(err instanceof PushRefused)) throw err;
      this.log.warn({ ...where, code: err.code, reason: err.message }, 'platform push refused');
      return { answer: connector.refuse(request, err), refused: err };
    }
    if (!verdict.store) return { answer: connector.ack(request, secrets[0]), ignored: verdict.ignored };
    const stored = await this.deliveries.store({
      connectionId,
      shopId: connection.shopId,
      eventId: test ? `test:${verdict.eventId}` : verdict.eventId,
      topic: test ? TEST_TOPIC : verdict.topic,
      // A GET push carries its fields in the query: stored form-encoded, as a POST form would be.
      body: push.method === 'POST' ? push.rawBody : Buffer.from(new URLSearchParams(push.query).toString()),
    });
    if (!stored.duplicate) this.worker.nudge();
    return { answer: connector.ack(request, secrets[0]), deliveryId: stored.deliveryId, duplicate: stored.duplicate };
  }
}
