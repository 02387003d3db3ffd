import type { Connection, WriteBackCredentials } from '../connections/intake-connections.store';
import type { PlatformAccess } from '../platforms/platform-connector';
import type { ClaimedWriteback } from './intake-writebacks.store';
import { type WritebackTarget, WritebackFailure } from './writers/shop-status-writer';

/**
 * Where a claimed write-back goes, its credentials opened for this attempt only (never logged,
 * never kept). A connection that is gone, disabled or holds no write-back credentials cannot take
 * it: not worth retrying until staff change that, then retry it from the dead list.
 */
export function writebackTargetOf(claim: ClaimedWriteback, connection: Connection | undefined, credentials: WriteBackCredentials | undefined): WritebackTarget {
  if (!connection) throw new WritebackFailure('the connection was removed', false);
  if (!connection.enabled) throw new WritebackFailure('the connection is disabled', false);
  if (!credentials) throw new WritebackFailure('the connection has no write-back credentials', false);
  if (connection.platform === 'shopify') {
    if (!('adminAccessToken' in credentials) || !connection.shopDomain) throw new WritebackFailure('the connection has no Admin API access token', false);
    return {
      platform: 'shopify',
      connectionId: claim.connectionId,
      shopDomain: connection.shopDomain,
      accessToken: credentials.adminAccessToken,
      externalRef: claim.externalRef,
    };
  }
  if (!('consumerKey' in credentials) || !connection.siteUrl) throw new WritebackFailure('the connection has no REST API consumer key and secret', false);
  return {
    platform: 'woocommerce',
    connectionId: claim.connectionId,
    siteUrl: connection.siteUrl,
    consumerKey: credentials.consumerKey,
    consumerSecret: credentials.consumerSecret,
    externalRef: claim.externalRef,
  };
}

/**
 * Where a claimed write-back to a Chinese platform goes: the connection's access (app key, secret,
 * token, API origin) opened for this attempt only, and the order there. Like a shop system's, a
 * connection that is gone or disabled cannot take it until staff change that.
 */
export function platformTargetOf(
  claim: ClaimedWriteback,
  connection: Connection | undefined,
  access: PlatformAccess | undefined,
): PlatformAccess & { externalRef: string } {
  if (!connection || !access) throw new WritebackFailure('the connection was removed', false);
  if (!connection.enabled) throw new WritebackFailure('the connection is disabled', false);
  return { ...access, externalRef: claim.externalRef };
}
