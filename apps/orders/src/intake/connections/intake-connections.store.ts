import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { DataSource } from 'typeorm';
import type { FieldMapping } from '../domain/field-mapping';
import { platformRulesWith } from '../platforms/buyer-note';
import { isChinaPlatform, type PlatformAccess, type PlatformRules } from '../platforms/platform-connector';
import { apiOriginOf, PLATFORMS_CONFIG, type PlatformsConfig } from '../platforms/platforms.config';
import { SecretBox } from '../secret-box';

export const PLATFORMS = ['shopify', 'woocommerce', 'meituan', 'eleme', 'youzan', 'wechat'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A connection as the API shows it and the intake uses it: never a secret, only a hint of it. */
export interface Connection {
  connectionId: string;
  shopId: string;
  platform: Platform;
  label: string;
  shopDomain?: string;
  siteUrl?: string;
  /** Chinese platforms: the app key the platform issued (Meituan app_id, Ele.me source, Youzan client_id, WeChat appid). */
  appKey?: string;
  /** Meituan app_poi_code, Ele.me shop_id, Youzan kdt_id: the shop on the platform. */
  storeRef?: string;
  /** Chinese platforms: how this shop's buyer notes are read, where it departs from the defaults. */
  rules?: Partial<PlatformRules>;
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

/**
 * A Chinese platform's sealed credentials, besides the secret that signs pushes: `accessToken`
 * (Meituan service-provider apps, Ele.me, Youzan), `appSecret` (WeChat's API AppSecret; its push
 * Token is the webhook secret). PlatformAccess.credentials carries them to the connector.
 */
export interface PlatformCredentials {
  accessToken?: string;
  appSecret?: string;
  /** WeChat Store: the message-push EncodingAESKey, which opens its safe-mode pushes (the only mode the store offers). */
  encodingAesKey?: string;
}

interface Row {
  connection_id: string;
  shop_id: string;
  platform: Platform;
  label: string;
  shop_domain: string | null;
  site_url: string | null;
  app_key: string | null;
  store_ref: string | null;
  rules: Partial<PlatformRules> | null;
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
export function sourceOf(connection: Pick<Connection, 'platform' | 'shopDomain' | 'siteUrl' | 'appKey' | 'storeRef'>): string {
  if (connection.platform === 'shopify') return `shopify:${connection.shopDomain}`;
  // The shop on the platform, or for WeChat (one store per app) the app.
  if (isChinaPlatform(connection.platform)) return `${connection.platform}:${connection.storeRef ?? connection.appKey}`;
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
    @Optional() @Inject(PLATFORMS_CONFIG) private readonly platformsConfig?: PlatformsConfig,
  ) {}

  async create(input: {
    shopId: string;
    platform: Platform;
    label: string;
    shopDomain?: string;
    siteUrl?: string;
    appKey?: string;
    storeRef?: string;
    rules?: Partial<PlatformRules>;
    timeZone: string;
    webhookSecret: string;
    credentials?: WriteBackCredentials | PlatformCredentials;
    mapping: FieldMapping;
  }): Promise<Connection> {
    const connectionId = randomUUID();
    try {
      const rows = await this.dataSource.query<Row[]>(
        `INSERT INTO intake_connections
           (connection_id, shop_id, platform, label, shop_domain, site_url, time_zone, webhook_secret, secret_hint, credentials, mapping, app_key, store_ref, rules)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *`,
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
          input.appKey ?? null,
          input.storeRef ?? null,
          input.rules ? JSON.stringify(input.rules) : null,
        ],
      );
      return viewOf(rows[0]);
    } catch (err) {
      const violation = err as { code?: string; constraint?: string };
      if (violation.code === UNIQUE_VIOLATION && violation.constraint === 'intake_connections_platform_store') {
        throw new DomainError('conflict', 'STORE_CONNECTED_ALREADY', `this ${input.platform} store is connected already`);
      }
      if (violation.code === UNIQUE_VIOLATION) {
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
    const row = await this.rowOf(connectionId);
    return row && viewOf(row);
  }

  /** A connection and the secrets a push may be signed with now, from one read (a push's hot path). */
  async withSecrets(connectionId: string, now: Date): Promise<{ connection: Connection; secrets: string[] } | undefined> {
    const row = await this.rowOf(connectionId);
    return row && { connection: viewOf(row), secrets: this.secretsOf(row, now) };
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
    const row = await this.rowOf(connectionId);
    return row ? this.secretsOf(row, now) : [];
  }

  async credentials(connectionId: string): Promise<WriteBackCredentials | undefined> {
    return this.openCredentials<WriteBackCredentials>(connectionId);
  }

  /** A Chinese platform connection's sealed credentials (none: an empty set). */
  async platformCredentials(connectionId: string): Promise<PlatformCredentials> {
    return (await this.openCredentials<PlatformCredentials>(connectionId)) ?? {};
  }

  /**
   * Everything a connector needs to call its platform for this connection, opened for one use:
   * undefined when the connection is gone or not a Chinese platform's. A disabled connection still
   * opens (a push stored before it was switched off is still read).
   */
  async platformAccess(connectionId: string): Promise<PlatformAccess | undefined> {
    if (!this.platformsConfig) throw new Error('the platforms config is not provided: platform access cannot be opened');
    // One read of the row for all of it: every write-back and every push read opens one.
    const row = await this.rowOf(connectionId);
    if (!row) return undefined;
    const connection = viewOf(row);
    if (!isChinaPlatform(connection.platform) || connection.appKey === undefined) return undefined;
    const [secret] = this.secretsOf(row, new Date());
    const credentials = this.credentialsOf<PlatformCredentials>(row) ?? {};
    return {
      platform: connection.platform,
      connectionId,
      appKey: connection.appKey,
      secret,
      ...(connection.storeRef !== undefined ? { storeRef: connection.storeRef } : {}),
      credentials: Object.fromEntries(Object.entries(credentials).filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
      apiOrigin: apiOriginOf(this.platformsConfig, connection.platform),
      timeZone: connection.timeZone,
      rules: platformRulesWith(connection.rules),
    };
  }

  private async openCredentials<T>(connectionId: string): Promise<T | undefined> {
    const row = await this.rowOf(connectionId);
    return row && this.credentialsOf<T>(row);
  }

  private async rowOf(connectionId: string): Promise<Row | undefined> {
    const rows = await this.dataSource.query<Row[]>(`SELECT * FROM intake_connections WHERE connection_id = $1`, [connectionId]);
    return rows[0];
  }

  /** The current secret, and the previous one while its grace lasts. */
  private secretsOf(row: Row, now: Date): string[] {
    const secrets = [this.openSecret(row.connection_id, row.webhook_secret)];
    if (row.previous_webhook_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > now) {
      secrets.push(this.openSecret(row.connection_id, row.previous_webhook_secret));
    }
    return secrets;
  }

  private credentialsOf<T>(row: Row): T | undefined {
    return row.credentials ? this.box.openJson<T>(row.credentials, credentialsAad(row.connection_id)) : undefined;
  }

  async update(
    shopId: string,
    connectionId: string,
    change: {
      label?: string;
      mapping?: FieldMapping;
      timeZone?: string;
      enabled?: boolean;
      credentials?: WriteBackCredentials | PlatformCredentials | null;
      rules?: Partial<PlatformRules>;
    },
  ): Promise<Connection | undefined> {
    // TypeORM answers an UPDATE with [rows, rowCount].
    const [rows] = await this.dataSource.query<[Row[], number]>(
      `UPDATE intake_connections
          SET label = COALESCE($3, label), mapping = COALESCE($4, mapping), time_zone = COALESCE($5, time_zone), enabled = COALESCE($6, enabled),
              credentials = CASE WHEN $7 THEN $8 ELSE credentials END, rules = COALESCE($9, rules), updated_at = now()
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
        change.rules ? JSON.stringify(change.rules) : null,
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
    ...(row.app_key ? { appKey: row.app_key } : {}),
    ...(row.store_ref ? { storeRef: row.store_ref } : {}),
    ...(row.rules ? { rules: row.rules } : {}),
    timeZone: row.time_zone,
    secretHint: row.secret_hint,
    ...(row.previous_webhook_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > new Date()
      ? { previousSecretValidUntil: row.previous_secret_expires_at.toISOString() }
      : {}),
    // Meituan and Ele.me sign their calls with the app key and secret alone; the others need a token or AppSecret.
    hasWriteBackCredentials: row.credentials !== null || row.platform === 'meituan' || row.platform === 'eleme',
    mapping: row.mapping,
    enabled: row.enabled,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
