import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { DataSource } from 'typeorm';
import type { FieldMapping } from '../domain/field-mapping';
import { SecretBox } from '../secret-box';

export type Platform = 'shopify' | 'woocommerce';

/** A connection as the API shows it and the intake uses it: never a secret, only a hint of it. */
export interface Connection {
  connectionId: string;
  shopId: string;
  platform: Platform;
  label: string;
  shopDomain?: string;
  siteUrl?: string;
  timeZone: string;
  /** The last four characters of the current webhook secret, to tell which one is set. */
  secretHint: string;
  /** While a rotation's grace lasts, the previous secret still verifies until then. */
  previousSecretValidUntil?: string;
  hasWriteBackCredentials: boolean;
  mapping: FieldMapping;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What write-back needs to call the shop system (sealed at rest). */
export type WriteBackCredentials = { adminAccessToken: string } | { consumerKey: string; consumerSecret: string };

interface Row {
  connection_id: string;
  shop_id: string;
  platform: Platform;
  label: string;
  shop_domain: string | null;
  site_url: string | null;
  time_zone: string;
  webhook_secret: Buffer;
  previous_webhook_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  secret_hint: string;
  credentials: Buffer | null;
  mapping: FieldMapping;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const UNIQUE_VIOLATION = '23505';

/**
 * Where an order of this connection comes from, in intake_orders: the store itself (its Shopify
 * domain, its WooCommerce site), so a connection deleted and made again still knows its orders.
 */
export function sourceOf(connection: Pick<Connection, 'platform' | 'shopDomain' | 'siteUrl'>): string {
  if (connection.platform === 'shopify') return `shopify:${connection.shopDomain}`;
  const site = new URL(connection.siteUrl ?? '');
  return `woocommerce:${(site.host + site.pathname).replace(/\/+$/, '').toLowerCase()}`;
}

/**
 * The only code that reads or writes intake_connections. Secrets and credentials are sealed with
 * the intake's SecretBox (AAD: the connection), opened only to verify a delivery or to write back.
 */
@Injectable()
export class IntakeConnections {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
  ) {}

  async create(input: {
    shopId: string;
    platform: Platform;
    label: string;
    shopDomain?: string;
    siteUrl?: string;
    timeZone: string;
    webhookSecret: string;
    credentials?: WriteBackCredentials;
    mapping: FieldMapping;
  }): Promise<Connection> {
    const connectionId = randomUUID();
    try {
      const rows = await this.dataSource.query<Row[]>(
        `INSERT INTO intake_connections (connection_id, shop_id, platform, label, shop_domain, site_url, time_zone, webhook_secret, secret_hint, credentials, mapping)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
        [
          connectionId,
          input.shopId,
          input.platform,
          input.label,
          input.shopDomain ?? null,
          input.siteUrl ?? null,
          input.timeZone,
          this.sealSecret(connectionId, input.webhookSecret),
          hintOf(input.webhookSecret),
          input.credentials ? this.box.sealJson(input.credentials, credentialsAad(connectionId)) : null,
          JSON.stringify(input.mapping),
        ],
      );
      return viewOf(rows[0]);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new DomainError('conflict', 'SHOP_DOMAIN_TAKEN', `${input.shopDomain} is connected already (one connection per Shopify store)`);
      }
      throw err;
    }
  }

  async list(shopId: string): Promise<Connection[]> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE shop_id = $1 ORDER BY created_at, connection_id`, [shopId]);
    return rows.map(viewOf);
  }

  /** The shop's connection; another shop's is not found. */
  async get(shopId: string, connectionId: string): Promise<Connection | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE shop_id = $1 AND connection_id = $2`, [shopId, connectionId]);
    return rows[0] && viewOf(rows[0]);
  }

  async byId(connectionId: string): Promise<Connection | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE connection_id = $1`, [connectionId]);
    return rows[0] && viewOf(rows[0]);
  }

  /** The connection of a Shopify store, by the domain Shopify names in X-Shopify-Shop-Domain. */
  async byShopDomain(shopDomain: string): Promise<Connection | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE shop_domain = $1`, [shopDomain.trim().toLowerCase()]);
    return rows[0] && viewOf(rows[0]);
  }

  /** The connections of a shop on one platform: write-back finds the one an order came through by its source. */
  async ofShop(shopId: string, platform: Platform): Promise<Connection[]> {
    return (await this.list(shopId)).filter((c) => c.platform === platform);
  }

  /** The secrets a delivery may be signed with now: the current one, and the previous while its grace lasts. */
  async webhookSecrets(connectionId: string, now: Date): Promise<string[]> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE connection_id = $1`, [connectionId]);
    const row = rows[0];
    if (!row) return [];
    const secrets = [this.openSecret(connectionId, row.webhook_secret)];
    if (row.previous_webhook_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
      secrets.push(this.openSecret(connectionId, row.previous_webhook_secret));
    }
    return secrets;
  }

  async credentials(connectionId: string): Promise<WriteBackCredentials | undefined> {
    const rows = await this.dataSource.query<Array<{ credentials: Buffer | null }>>(`SELECT credentials FROM intake_connections WHERE connection_id = $1`, [
      connectionId,
    ]);
    const sealed = rows[0]?.credentials;
    return sealed ? this.box.openJson<WriteBackCredentials>(sealed, credentialsAad(connectionId)) : undefined;
  }

  async update(
    shopId: string,
    connectionId: string,
    change: { label?: string; mapping?: FieldMapping; timeZone?: string; enabled?: boolean; credentials?: WriteBackCredentials | null },
  ): Promise<Connection | undefined> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await this.dataSource.query<[Row[], number]>(
      `UPDATE intake_connections
          SET label = COALESCE($3, label), mapping = COALESCE($4, mapping), time_zone = COALESCE($5, time_zone), enabled = COALESCE($6, enabled),
              credentials = CASE WHEN $7 THEN $8 ELSE credentials END, updated_at = now()
        WHERE shop_id = $1 AND connection_id = $2 RETURNING *`,
      [
        shopId,
        connectionId,
        change.label ?? null,
        change.mapping ? JSON.stringify(change.mapping) : null,
        change.timeZone ?? null,
        change.enabled ?? null,
        change.credentials !== undefined,
        change.credentials ? this.box.sealJson(change.credentials, credentialsAad(connectionId)) : null,
      ],
    );
    return rows[0] && viewOf(rows[0]);
  }

  /** A new webhook secret; the one it replaces keeps verifying for `graceMinutes` (the platform may still sign with it). */
  async rotateSecret(shopId: string, connectionId: string, secret: string, graceMinutes: number): Promise<Connection | undefined> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await this.dataSource.query<[Row[], number]>(
      `UPDATE intake_connections
          SET previous_webhook_secret = webhook_secret, previous_secret_expires_at = now() + make_interval(mins => $5::int),
              webhook_secret = $3, secret_hint = $4, updated_at = now()
        WHERE shop_id = $1 AND connection_id = $2 RETURNING *`,
      [shopId, connectionId, this.sealSecret(connectionId, secret), hintOf(secret), graceMinutes],
    );
    return rows[0] && viewOf(rows[0]);
  }

  private sealSecret(connectionId: string, secret: string): Buffer {
    return this.box.seal(secret, secretAad(connectionId));
  }

  private openSecret(connectionId: string, sealed: Buffer): string {
    return this.box.open(sealed, secretAad(connectionId)).toString('utf8');
  }
}

const secretAad = (connectionId: string) => `intake-connection:${connectionId}:webhook-secret`;
const credentialsAad = (connectionId: string) => `intake-connection:${connectionId}:credentials`;

function hintOf(secret: string): string {
  return `…${secret.slice(-4)}`;
}

function viewOf(row: Row): Connection {
  return {
    connectionId: row.connection_id,
    shopId: row.shop_id,
    platform: row.platform,
    label: row.label,
    ...(row.shop_domain ? { shopDomain: row.shop_domain } : {}),
    ...(row.site_url ? { siteUrl: row.site_url } : {}),
    timeZone: row.time_zone,
    secretHint: row.secret_hint,
    ...(row.previous_webhook_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > new Date()
      ? { previousSecretValidUntil: row.previous_secret_expires_at.toISOString() }
      : {}),
    hasWriteBackCredentials: row.credentials !== null,
    mapping: row.mapping,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
