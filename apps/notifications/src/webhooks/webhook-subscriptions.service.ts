import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canSeeShop, type Principal, shopFilter } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { DeadLetterView, DeliveryView, WebhookView } from './api/webhooks.dto';
import { replayedEventTypes } from './domain/webhook-event-types';
import { signingSecretFrom } from './domain/webhook-signature';
import { checkWebhookUrl } from './domain/webhook-url-policy';
import { cancelPendingDeliveries } from './webhook-delivery.queries';
import { wakeUpWorkers } from './webhook-outbox';
import { allowsPrivateNetworks, wakeUpChannel, type WebhooksConfig } from './webhooks.config';
import { WEBHOOKS_CONFIG } from './webhooks.tokens';

interface SubscriptionRow {
  subscription_id: string;
  shop_id: string;
  url: string;
  event_types: string[];
  description: string | null;
  enabled: boolean;
  disabled_reason: 'gone' | null;
  secret: string;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  delivery_id: string;
  event_id: string;
  event_type: string;
  cause: 'event' | 'replay';
  status: DeliveryView['status'];
  next_attempt_at: Date;
  created_at: Date;
  finished_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

export interface NewWebhook {
  url: string;
  eventTypes: string[];
  description?: string;
}

export interface WebhookChanges {
  url?: string;
  eventTypes?: string[];
  description?: string | null;
  enabled?: boolean;
}

const SUBSCRIPTION_COLUMNS = `subscription_id, shop_id, url, event_types, description, enabled, disabled_reason, secret, previous_secret_expires_at, created_at, updated_at`;

const webhookNotFound = () => new DomainError('not_found', 'WEBHOOK_NOT_FOUND', 'no such webhook');
const deadLetterNotFound = () => new DomainError('not_found', 'DEAD_LETTER_NOT_FOUND', 'no such dead letter');

/** The webhooks API's reads and writes; who may call them is checked by the controllers. */
@Injectable()
export class WebhookSubscriptions {
  private readonly channel: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
  ) {
    this.channel = wakeUpChannel(config.DATABASE_SCHEMA);
  }

  async create(shopId: string, webhook: NewWebhook): Promise<WebhookView & { secret: string }> {
    const url = this.allowedUrl(webhook.url);
    const secret = signingSecretFrom(randomBytes(32));
    const [row] = await this.dataSource.query<SubscriptionRow[]>(
      `INSERT INTO webhook_subscriptions (subscription_id, shop_id, url, event_types, description, secret)
       VALUES ($1, $2, $3, $4::text[], $5, $6)
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [randomUUID(), shopId, url, webhook.eventTypes, webhook.description ?? null, secret],
    );
    return { ...viewOf(row), secret };
  }

  async list(shopId: string): Promise<WebhookView[]> {
    const rows = await this.dataSource.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE shop_id = $1 ORDER BY created_at, subscription_id`,
      [shopId],
    );
    return rows.map(viewOf);
  }

  async get(shopId: string, id: string): Promise<WebhookView> {
    return viewOf(await this.find(this.dataSource.manager, shopId, id));
  }

  async update(shopId: string, id: string, changes: WebhookChanges): Promise<WebhookView> {
    const url = changes.url === undefined ? undefined : this.allowedUrl(changes.url);
    return this.dataSource.transaction(async (db) => {
      const current = await this.find(db, shopId, id, true);
      const enabled = changes.enabled ?? current.enabled;
      const [rows] = await db.query<[SubscriptionRow[], number]>(
        `UPDATE webhook_subscriptions
         SET url = $2, event_types = $3::text[], description = $4, enabled = $5, disabled_reason = $6, updated_at = now()
         WHERE subscription_id = $1
         RETURNING ${SUBSCRIPTION_COLUMNS}`,
        [
          id,
          url ?? current.url,
          changes.eventTypes ?? current.event_types,
          changes.description === undefined ? current.description : changes.description,
          enabled,
          enabled ? null : current.disabled_reason,
        ],
      );
      if (current.enabled && !enabled) await cancelPendingDeliveries(db, id, 'the subscription was disabled');
      return viewOf(rows[0]);
    });
  }

  async remove(shopId: string, id: string): Promise<void> {
    const [, deleted] = await this.dataSource.query<[unknown[], number]>(`DELETE FROM webhook_subscriptions WHERE subscription_id = $1 AND shop_id = $2`, [
      id,
      shopId,
    ]);
    if (deleted === 0) throw webhookNotFound();
  }

  /** A new secret; the old one keeps signing alongside for the grace period, so receivers switch without a gap. */
  async rotateSecret(shopId: string, id: string): Promise<{ secret: string; previousSecretExpiresAt: string }> {
    const secret = signingSecretFrom(randomBytes(32));
    const [rows] = await this.dataSource.query<[Array<{ previous_secret_expires_at: Date }>, number]>(
      `UPDATE webhook_subscriptions
       SET previous_secret = secret, previous_secret_expires_at = now() + make_interval(secs => $3::double precision * 3600),
           secret = $4, updated_at = now()
       WHERE subscription_id = $1 AND shop_id = $2
       RETURNING previous_secret_expires_at`,
      [id, shopId, this.config.WEBHOOK_SECRET_GRACE_HOURS, secret],
    );
    if (rows.length === 0) throw webhookNotFound();
    return { secret, previousSecretExpiresAt: rows[0].previous_secret_expires_at.toISOString() };
  }

  async deliveries(shopId: string, id: string, query: { status?: DeliveryView['status']; limit: number }): Promise<DeliveryView[]> {
    await this.find(this.dataSource.manager, shopId, id);
    const deliveries = await this.dataSource.query<DeliveryRow[]>(
      `SELECT delivery_id, event_id, event_type, cause, status, next_attempt_at, created_at, finished_at, last_status_code, last_error
       FROM webhook_deliveries
       WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2)
       ORDER BY seq DESC
       LIMIT $3`,
      [id, query.status ?? null, query.limit],
    );
    const attempts = await this.dataSource.query<AttemptRow[]>(
      `SELECT delivery_id, attempt, attempted_at, duration_ms, status_code, error FROM webhook_delivery_attempts
       WHERE delivery_id = ANY($1::uuid[]) ORDER BY attempt_id`,
      [deliveries.map((d) => d.delivery_id)],
    );
    return deliveries.map((d) => ({
      id: d.delivery_id,
      eventId: d.event_id,
      eventType: d.event_type,
      cause: d.cause,
      status: d.status,
      nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null,
      createdAt: d.created_at.toISOString(),
      finishedAt: d.finished_at?.toISOString() ?? null,
      lastStatusCode: d.last_status_code,
      lastError: d.last_error,
      attempts: attempts
        .filter((a) => a.delivery_id === d.delivery_id)
        .map((a) => ({ attempt: a.attempt, at: a.attempted_at.toISOString(), durationMs: a.duration_ms, statusCode: a.status_code, error: a.error })),
    }));
  }

  /** Queues every kept event of the shop since `from` that the subscription wants, as new deliveries (new webhook ids). */
  async replay(
    shopId: string,
    id: string,
    request: { from: string; eventTypes?: string[] },
  ): Promise<{ replayed: number; from: string; eventTypes: 'all' | string[] }> {
    const subscription = await this.find(this.dataSource.manager, shopId, id);
    if (!subscription.enabled) throw new DomainError('conflict', 'WEBHOOK_DISABLED', 'enable the webhook before replaying to it', { enabled: false });
    const types = replayedEventTypes(subscription.event_types, request.eventTypes);
    const from = new Date(request.from).toISOString();
    const replayed = await this.dataSource.transaction(async (db) => {
      const rows = await db.query<unknown[]>(
        `INSERT INTO webhook_deliveries (delivery_id, subscription_id, shop_id, event_id, event_type, cause, status, next_attempt_at)
         SELECT gen_random_uuid(), $1, e.shop_id, e.event_id, e.event_type, 'replay', 'pending', now()
         FROM webhook_events e
         WHERE e.shop_id = $2 AND e.occurred_at >= $3 AND ($4::text[] IS NULL OR e.event_type = ANY($4::text[]))
         ORDER BY e.occurred_at, e.event_id
         RETURNING delivery_id`,
        [id, shopId, from, types === 'all' ? null : types],
      );
      if (rows.length > 0) await wakeUpWorkers(db, this.channel);
      return rows.length;
    });
    return { replayed, from, eventTypes: types };
  }

  async deadLetters(
    principal: Principal,
    query: { shopId?: string; cursor?: string; limit: number },
  ): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const shopId = shopFilter(principal, query.shopId);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await this.dataSource.query<
      Array<{
        delivery_id: string;
        subscription_id: string;
        shop_id: string;
        url: string;
        event_id: string;
        event_type: string;
        attempts: number;
        last_status_code: number | null;
        last_error: string | null;
        created_at: Date;
        finished_at: Date;
      }>
    >(
      `SELECT d.delivery_id, d.subscription_id, d.shop_id, s.url, d.event_id, d.event_type, d.attempts, d.last_status_code, d.last_error, d.created_at, d.finished_at
       FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.subscription_id = d.subscription_id
       WHERE d.status = 'dead_letter'
         AND ($1::text IS NULL OR d.shop_id = $1)
         AND ($2::timestamptz IS NULL OR (d.finished_at, d.delivery_id) < ($2::timestamptz, $3::uuid))
       ORDER BY d.finished_at DESC, d.delivery_id DESC
       LIMIT $4`,
      [shopId ?? null, after?.failedAt ?? null, after?.id ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.delivery_id,
        subscriptionId: r.subscription_id,
        shopId: r.shop_id,
        url: r.url,
        eventId: r.event_id,
        eventType: r.event_type,
        attempts: r.attempts,
        lastStatusCode: r.last_status_code,
        lastError: r.last_error,
        createdAt: r.created_at.toISOString(),
        failedAt: r.finished_at.toISOString(),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ failedAt: last.finished_at.toISOString(), id: last.delivery_id }) : null,
    };
  }

  /** A dead letter goes back to pending for a new round of attempts, with the same webhook id. */
  async retryDeadLetter(principal: Principal, deliveryId: string): Promise<{ id: string; status: 'pending'; nextAttemptAt: string }> {
    return this.dataSource.transaction(async (db) => {
      const [found] = await db.query<Array<{ shop_id: string; status: string; enabled: boolean }>>(
        `SELECT d.shop_id, d.status, s.enabled FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.subscription_id = d.subscription_id
         WHERE d.delivery_id = $1 FOR UPDATE OF d`,
        [deliveryId],
      );
      if (!found || !canSeeShop(principal, found.shop_id)) throw deadLetterNotFound();
      if (found.status !== 'dead_letter')
        throw new DomainError('conflict', 'NOT_A_DEAD_LETTER', `the delivery is ${found.status}, not a dead letter`, { status: found.status });
      if (!found.enabled) throw new DomainError('conflict', 'WEBHOOK_DISABLED', 'enable the webhook before retrying its dead letters', { enabled: false });
      const [rows] = await db.query<[Array<{ next_attempt_at: Date }>, number]>(
        `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL
         WHERE delivery_id = $1 RETURNING next_attempt_at`,
        [deliveryId],
      );
      await wakeUpWorkers(db, this.channel);
      return { id: deliveryId, status: 'pending' as const, nextAttemptAt: rows[0].next_attempt_at.toISOString() };
    });
  }

  private async find(db: EntityManager, shopId: string, id: string, forUpdate = false): Promise<SubscriptionRow> {
    const [row] = await db.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE subscription_id = $1 AND shop_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
      [id, shopId],
    );
    if (!row) throw webhookNotFound();
    return row;
  }

  private allowedUrl(raw: string): string {
    const verdict = checkWebhookUrl(raw, { allowPrivateNetworks: allowsPrivateNetworks(this.config) });
    if (!verdict.allowed) throw new DomainError('invalid', 'WEBHOOK_URL_NOT_ALLOWED', `url: ${verdict.reason}`, { url: raw });
    return verdict.url;
  }
}

function viewOf(row: SubscriptionRow): WebhookView {
  const graceEnds = row.previous_secret_expires_at;
  return {
    id: row.subscription_id,
    shopId: row.shop_id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    previousSecretExpiresAt: graceEnds !== null && graceEnds.getTime() > Date.now() ? graceEnds.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function encodeCursor(position: { failedAt: string; id: string }): string {
  return Buffer.from(`${position.failedAt}|${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { failedAt: string; id: string } {
  const [failedAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!failedAt || !id || Number.isNaN(Date.parse(failedAt)) || !/^[0-9a-f-]{36}$/.test(id))
    throw new DomainError('invalid', 'BAD_CURSOR', 'cursor is not one this API gave out');
  return { failedAt, id };
}
