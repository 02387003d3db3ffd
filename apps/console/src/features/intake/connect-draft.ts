import type { ConnectBody, Platform } from './intake-api';
import { type ChinaPlatform, isChinaPlatform, PLATFORM_FIELDS } from './platforms';

/** The connect form as typed: every field a string, the platform's own ones used. */
export interface ConnectDraft {
  platform: Platform;
  label: string;
  shopDomain: string;
  siteUrl: string;
  /**
   * Pasting the platform's secret rather than having one made. Always for Shopify: it signs with
   * a key of its own (the admin's notification key, or the app's client secret) that nobody chooses.
   */
  pasteSecret: boolean;
  webhookSecret: string;
  adminAccessToken: string;
  consumerKey: string;
  consumerSecret: string;
  /** The Chinese platforms: what their developer console shows (platforms.ts names each as the platform does). */
  appKey: string;
  appSecret: string;
  storeRef: string;
  accessToken: string;
  pushToken: string;
  encodingAesKey: string;
}

export const emptyConnectDraft = (platform: Platform): ConnectDraft => ({
  platform,
  label: '',
  shopDomain: '',
  siteUrl: '',
  pasteSecret: platform === 'shopify',
  webhookSecret: '',
  adminAccessToken: '',
  consumerKey: '',
  consumerSecret: '',
  appKey: '',
  appSecret: '',
  storeRef: '',
  accessToken: '',
  pushToken: '',
  encodingAesKey: '',
});

/**
 * A shop's domain as Shopify names it in `X-Shopify-Shop-Domain`: the host alone, lower case,
 * whatever the owner pasted (an admin URL, a trailing slash).
 */
export function shopifyDomain(typed: string): string {
  const host = typed
    .trim()
    .replace(/^https?:\/\//i, '')
    .split(/[/?#]/)[0];
  return host.toLowerCase();
}

const optional = (value: string) => (value.trim() ? value.trim() : undefined);

/**
 * The body of "connect a shop": only the platform's own fields, the secret only when pasted (the
 * service makes one otherwise), and write-back credentials only when given (the connection
 * still takes orders without them; status then stays in Petalpost). Dates and times in the
 * shop's orders are read in the shop's zone.
 */
export function connectBody(draft: ConnectDraft, timeZone: string): ConnectBody {
  if (isChinaPlatform(draft.platform)) return platformBody(draft.platform, draft, timeZone);
  const secret = draft.pasteSecret ? optional(draft.webhookSecret) : undefined;
  const common = { platform: draft.platform, label: draft.label.trim(), timeZone, ...(secret ? { webhookSecret: secret } : {}) };
  if (draft.platform === 'shopify') {
    const token = optional(draft.adminAccessToken);
    return { ...common, shopDomain: shopifyDomain(draft.shopDomain), ...(token ? { adminAccessToken: token } : {}) };
  }
  const key = optional(draft.consumerKey);
  const keySecret = optional(draft.consumerSecret);
  return {
    ...common,
    siteUrl: draft.siteUrl.trim(), // Half a key pair goes as typed, for the service to say which half is missing.
    ...(key || keySecret ? { consumerKey: key ?? '', consumerSecret: keySecret ?? '' } : {}),
  };
}

/**
 * A Chinese platform's connection: the app's key and secret (they sign its pushes and our calls),
 * the shop on the platform, an access_token when given, WeChat's push Token and EncodingAESKey; only the fields the
 * platform has. Secrets go as pasted: a space inside one is the service's to refuse.
 */
function platformBody(platform: ChinaPlatform, draft: ConnectDraft, timeZone: string): ConnectBody {
  const fields = PLATFORM_FIELDS[platform];
  const token = fields.accessToken ? optional(draft.accessToken) : undefined;
  return {
    platform,
    label: draft.label.trim(),
    timeZone,
    appKey: draft.appKey.trim(),
    appSecret: draft.appSecret.trim(),
    ...(fields.storeRef ? { storeRef: draft.storeRef.trim() } : {}),
    ...(fields.pushToken ? { pushToken: draft.pushToken.trim() } : {}),
    ...(fields.encodingAesKey ? { encodingAesKey: draft.encodingAesKey.trim() } : {}),
    ...(token ? { accessToken: token } : {}),
  };
}
