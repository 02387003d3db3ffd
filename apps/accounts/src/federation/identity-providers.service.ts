import { Inject, Injectable } from '@nestjs/common';
import { assertShopInScope, type Principal } from '@petalpost/auth';
import { DomainError } from '@petalpost/contracts';
import { LOGGER, SERVICE_CONFIG } from '@petalpost/platform';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { sealPrivateJwk, unsealPrivateJwk } from '../keys/key-sealing';
import { SignInDirectory } from '../sessions';
import { type FederationConfig, type FederationSettings, federationSettingsFrom } from './federation.config';

/** How long a provider's discovery document is trusted before it is fetched again (its keys may rotate). */
const DISCOVERY_TTL_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_SECONDS = 10;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface ProviderRow {
  shop_id: string;
  issuer: string;
  client_id: string;
  client_secret_sealed: string;
  person_claim: 'email';
  configured_by: string;
  configured_at: Date;
}

export interface IdentityProviderView {
  shopId: string;
  issuer: string;
  clientId: string;
  personClaim: 'email';
  /** What the shop chain registers at its provider as the client's redirect URI. */
  redirectUri?: string;
  configuredBy: string;
  configuredAt: string;
}

/**
 * A client secret sealed as the signing keys are (AES-256-GCM under ACCOUNTS_KEY_ENCRYPTION_KEY), bound
 * to its shop: copied to another shop's row, it does not open.
 */
const sealedFor = (shopId: string) => `identity-provider:${shopId}`;
const sealClientSecret = (kek: Buffer, shopId: string, secret: string) => sealPrivateJwk(kek, sealedFor(shopId), { secret });
const unsealClientSecret = (kek: Buffer, shopId: string, sealed: string) => (unsealPrivateJwk(kek, sealedFor(shopId), sealed) as { secret: string }).secret;

const notConfigured = () => new DomainError('not_found', 'IDENTITY_PROVIDER_NOT_FOUND', 'this shop has no identity provider');

/**
 * A shop chain's own OpenID Connect provider, per shop: configured by the shop's owner or an operator,
 * its client secret sealed at rest, its discovery document checked when it is configured.
 */
@Injectable()
export class IdentityProvidersService {
  readonly settings: FederationSettings;
  private readonly discovered = new Map<string, { configuredAt: number; fetchedAt: number; config: Promise<oidc.Configuration> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: SignInDirectory,
    @Inject(SERVICE_CONFIG) config: FederationConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = federationSettingsFrom(config);
  }

  async configure(principal: Principal, shopId: string, given: { issuer: string; clientId: string; clientSecret: string }): Promise<IdentityProviderView> {
    await this.assertMayConfigure(principal, shopId);
    if (!this.settings.redirectUrl) {
      throw new DomainError(
        'conflict',
        'FEDERATION_NOT_CONFIGURED',
        'this service has no ACCOUNTS_OIDC_REDIRECT_URL: no provider could send people back to it',
      );
    }
    const url = this.issuerUrl(given.issuer);
    let issuer: string;
    try {
      // Proves the issuer answers as an OpenID provider before anyone depends on it; kept as its metadata spells it.
      issuer = (await this.discover(url, given.clientId, given.clientSecret)).serverMetadata().issuer;
    } catch (err) {
      throw new DomainError('invalid', 'IDENTITY_PROVIDER_UNREACHABLE', `the issuer's discovery document could not be read: ${(err as Error).message}`, {
        issuer: url.href,
      });
    }
    // An INSERT answers its rows alone (an UPDATE or DELETE answers [rows, count]).
    const rows = await this.dataSource.query<ProviderRow[]>(
      `INSERT INTO shop_identity_providers (shop_id, issuer, client_id, client_secret_sealed, person_claim, configured_by, configured_at)
       VALUES ($1, $2, $3, $4, 'email', $5, now())
       ON CONFLICT (shop_id) DO UPDATE SET issuer = $2, client_id = $3, client_secret_sealed = $4, configured_by = $5, configured_at = now()
       RETURNING *`,
      [shopId, issuer, given.clientId, sealClientSecret(this.settings.keyEncryptionKey, shopId, given.clientSecret), principal.sub],
    );
    this.discovered.delete(shopId);
    this.logger.info({ shopId, issuer, clientId: given.clientId, by: principal.sub }, 'identity provider configured');
    return this.viewOf(rows[0]);
  }

  async view(principal: Principal, shopId: string): Promise<IdentityProviderView> {
    await this.assertMayConfigure(principal, shopId);
    const row = await this.rowOf(shopId);
    if (!row) throw notConfigured();
    return this.viewOf(row);
  }

  async remove(principal: Principal, shopId: string): Promise<void> {
    await this.assertMayConfigure(principal, shopId);
    const [, deleted] = (await this.dataSource.query(`DELETE FROM shop_identity_providers WHERE shop_id = $1`, [shopId])) as [unknown, number];
    if (deleted === 0) throw notConfigured();
    this.discovered.delete(shopId);
    this.logger.info({ shopId, by: principal.sub }, 'identity provider removed');
  }

  async rowOf(shopId: string): Promise<ProviderRow | undefined> {
    const [row] = await this.dataSource.query<ProviderRow[]>(`SELECT * FROM shop_identity_providers WHERE shop_id = $1`, [shopId]);
    return row;
  }

  /** The provider's metadata and this client, discovered once per configuration and refreshed every few minutes. */
  configurationOf(row: ProviderRow): Promise<oidc.Configuration> {
    const cached = this.discovered.get(row.shop_id);
    const now = Date.now();
    if (cached && cached.configuredAt === row.configured_at.getTime() && now - cached.fetchedAt < DISCOVERY_TTL_MS) return cached.config;
    const config = this.discover(new URL(row.issuer), row.client_id, unsealClientSecret(this.settings.keyEncryptionKey, row.shop_id, row.client_secret_sealed));
    this.discovered.set(row.shop_id, { configuredAt: row.configured_at.getTime(), fetchedAt: now, config });
    config.catch(() => this.discovered.delete(row.shop_id));
    return config;
  }

  private discover(issuer: URL, clientId: string, clientSecret: string): Promise<oidc.Configuration> {
    const insecure = issuer.protocol === 'http:';
    return oidc.discovery(issuer, clientId, undefined, oidc.ClientSecretBasic(clientSecret), {
      timeout: DISCOVERY_TIMEOUT_SECONDS,
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  }

  private issuerUrl(issuer: string): URL {
    const url = new URL(issuer);
    const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname) && this.settings.allowLoopbackHttpIssuers;
    if (url.protocol !== 'https:' && !loopbackHttp) {
      throw new DomainError('invalid', 'ISSUER_NOT_HTTPS', 'an issuer is an https URL (plain http only for a provider on loopback, outside production)');
    }
    if (url.search || url.hash) throw new DomainError('invalid', 'ISSUER_NOT_PLAIN', 'an issuer has no query or fragment');
    return url;
  }

  /** The shop's owner, or an operator; anyone else outside the shop does not see it. */
  private async assertMayConfigure(principal: Principal, shopId: string): Promise<void> {
    assertShopInScope(principal, shopId);
    if (principal.role === 'operator') return;
    const membership = (await this.directory.membershipsOf(principal.sub)).find((m) => m.shopId === shopId);
    if (!membership) throw new DomainError('not_found', 'SHOP_NOT_FOUND', 'no such shop');
    if (!membership.owner) throw new DomainError('forbidden', 'OWNER_REQUIRED', "only the shop's owner (or an operator) chooses how its people sign in");
  }

  private viewOf(row: ProviderRow): IdentityProviderView {
    return {
      shopId: row.shop_id,
      issuer: row.issuer,
      clientId: row.client_id,
      personClaim: row.person_claim,
      ...(this.settings.redirectUrl ? { redirectUri: this.settings.redirectUrl } : {}),
      configuredBy: row.configured_by,
      configuredAt: row.configured_at.toISOString(),
    };
  }
}
