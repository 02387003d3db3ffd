import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessTokenIssuer, hashOf, newOpaqueToken } from '../sessions';
import { API_KEY_SECRET_PREFIX, type ApiKeyScope, type ApiKeysConfig } from './api-keys.config';

export interface ApiKeyView {
  keyId: string;
  shopId: string;
  label: string;
  scopes: ApiKeyScope[];
  secretHint: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
  useCount: number;
  revokedAt?: string;
  revokedBy?: string;
}

interface KeyRow {
  key_id: string;
  shop_id: string;
  label: string;
  scopes: ApiKeyScope[];
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
  use_count: string;
  hint: string;
}

const keyNotFound = () => new DomainError('not_found', 'API_KEY_NOT_FOUND', 'no such API key');
const keyRevoked = (keyId: string) => new DomainError('conflict', 'API_KEY_REVOKED', 'this API key has been revoked', { keyId, status: 'revoked' });
const invalidKey = () => new DomainError('unauthenticated', 'API_KEY_INVALID', 'send a valid, unrevoked API key as `Authorization: Bearer pp_live_…`');

/** The key's columns, with the hint of its newest secret. */
const KEY_COLUMNS = `k.*, (SELECT hint FROM api_key_secrets s WHERE s.key_id = k.key_id ORDER BY created_at DESC LIMIT 1) AS hint`;

/**
 * API keys for a shop's systems (its web shop, its till): a secret shown once and stored hashed,
 * exchanged for a short-lived access token that carries the key's scopes; rotatable with a grace
 * for the old secret, revocable, each use recorded.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly issuer: AccessTokenIssuer,
    @Inject(SERVICE_CONFIG) private readonly config: ApiKeysConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(shopId: string, label: string, scopes: ApiKeyScope[], by: string): Promise<{ apiKey: ApiKeyView; secret: string }> {
    const keyId = randomUUID();
    const secret = await this.dataSource.transaction(async (db) => {
      await db.query(`INSERT INTO api_keys (key_id, shop_id, label, scopes, created_at, created_by) VALUES ($1, $2, $3, $4, now(), $5)`, [
        keyId,
        shopId,
        label,
        [...new Set(scopes)].sort(),
        by,
      ]);
      return addSecret(db, keyId);
    });
    this.logger.info({ keyId, shopId, scopes, by }, 'API key created');
    return { apiKey: await this.view(shopId, keyId), secret };
  }

  async list(shopId: string): Promise<ApiKeyView[]> {
    const rows = await this.dataSource.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys k WHERE shop_id = $1 ORDER BY created_at DESC`, [shopId]);
    return rows.map(viewOf);
  }

  /** A new secret; the current one keeps working for the grace period, then stops. */
  async rotate(shopId: string, keyId: string, by: string): Promise<{ apiKey: ApiKeyView; secret: string; previousSecretValidUntil: string }> {
    const graceUntil = new Date(Date.now() + this.config.ACCOUNTS_API_KEY_ROTATION_GRACE_MINUTES * 60_000);
    const secret = await this.dataSource.transaction(async (db) => {
      const [key] = await db.query<Array<{ revoked_at: Date | null }>>(`SELECT revoked_at FROM api_keys WHERE key_id = $1 AND shop_id = $2 FOR UPDATE`, [
        keyId,
        shopId,
      ]);
      if (!key) throw keyNotFound();
      if (key.revoked_at) throw keyRevoked(keyId);
      // A secret already in its grace keeps its earlier end.
      await db.query(`UPDATE api_key_secrets SET expires_at = $2 WHERE key_id = $1 AND (expires_at IS NULL OR expires_at > $2)`, [keyId, graceUntil]);
      return addSecret(db, keyId);
    });
    this.logger.info({ keyId, shopId, by }, 'API key secret rotated');
    return { apiKey: await this.view(shopId, keyId), secret, previousSecretValidUntil: graceUntil.toISOString() };
  }

  async revoke(shopId: string, keyId: string, by: string): Promise<void> {
    const [, count] = (await this.dataSource.query(
      `UPDATE api_keys SET revoked_at = now(), revoked_by = $3 WHERE key_id = $1 AND shop_id = $2 AND revoked_at IS NULL`,
      [keyId, shopId, by],
    )) as [unknown, number];
    if (count === 0) {
      await this.view(shopId, keyId); // 404 when there is no such key here
      throw keyRevoked(keyId);
    }
    this.logger.info({ keyId, shopId, by }, 'API key revoked');
  }

  /** A short-lived access token for a key's secret: role staff at the key's shop, subject `api-key:<id>`, the key's scopes. */
  async exchange(secret: string | undefined, clientAddress: string) {
    if (!secret?.startsWith(API_KEY_SECRET_PREFIX)) throw invalidKey();
    const key = await this.dataSource.transaction(async (db) => {
      const [found] = await db.query<Array<{ key_id: string; shop_id: string; scopes: ApiKeyScope[] }>>(
        `SELECT k.key_id, k.shop_id, k.scopes FROM api_key_secrets s JOIN api_keys k USING (key_id)
          WHERE s.secret_hash = $1 AND (s.expires_at IS NULL OR s.expires_at > now()) AND k.revoked_at IS NULL`,
        [hashOf(secret)],
      );
      if (!found) return undefined;
      await db.query(`UPDATE api_keys SET last_used_at = now(), use_count = use_count + 1 WHERE key_id = $1`, [found.key_id]);
      await db.query(`INSERT INTO api_key_uses (key_id, used_at, client_address) VALUES ($1, now(), $2)`, [found.key_id, clientAddress]);
      return found;
    });
    if (!key) throw invalidKey();
    const token = await this.issuer.issue(
      { role: 'staff', sub: `api-key:${key.key_id}`, shopId: key.shop_id, scopes: key.scopes },
      {},
      this.config.ACCOUNTS_API_KEY_TOKEN_SECONDS,
    );
    return { ...token, scopes: key.scopes };
  }

  private async view(shopId: string, keyId: string): Promise<ApiKeyView> {
    const [row] = await this.dataSource.query<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys k WHERE key_id = $1 AND shop_id = $2`, [keyId, shopId]);
    if (!row) throw keyNotFound();
    return viewOf(row);
  }
}

async function addSecret(db: EntityManager, keyId: string): Promise<string> {
  const { token, hash } = newOpaqueToken(API_KEY_SECRET_PREFIX);
  // Enough to tell two keys apart in a list, far too little to guess the rest.
  const hint = `${token.slice(0, API_KEY_SECRET_PREFIX.length + 4)}…`;
  await db.query(`INSERT INTO api_key_secrets (secret_hash, key_id, hint, created_at) VALUES ($1, $2, $3, now())`, [hash, keyId, hint]);
  return token;
}

function viewOf(row: KeyRow): ApiKeyView {
  return {
    keyId: row.key_id,
    shopId: row.shop_id,
    label: row.label,
    scopes: row.scopes,
    secretHint: row.hint,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    ...(row.last_used_at ? { lastUsedAt: row.last_used_at.toISOString() } : {}),
    useCount: Number(row.use_count),
    ...(row.revoked_at ? { revokedAt: row.revoked_at.toISOString() } : {}),
    ...(row.revoked_by ? { revokedBy: row.revoked_by } : {}),
  };
}
