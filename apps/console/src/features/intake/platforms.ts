import type { Platform } from './intake-api';

/** The web shops a shop connects by their address and a webhook secret. */
export const WEB_SHOPS = ['shopify', 'woocommerce'] as const;
/** The Chinese platforms a florist sells on: connected with the app's key and secret from the platform's developer console. */
export const CHINA_PLATFORMS = ['meituan', 'eleme', 'youzan', 'wechat'] as const satisfies readonly Platform[];
export type ChinaPlatform = (typeof CHINA_PLATFORMS)[number];
/** The picker's order: the web shops, then the platforms. */
export const PLATFORMS: readonly Platform[] = [...WEB_SHOPS, ...CHINA_PLATFORMS];

export function isChinaPlatform(platform: Platform): platform is ChinaPlatform {
  return (CHINA_PLATFORMS as readonly string[]).includes(platform);
}

/**
 * What each platform's developer console gives the owner to paste, under the names it shows them
 * (notes/china-platforms.md): the app's key and secret, the shop on the platform (none for a
 * WeChat Store: the app is the store), an access_token where the platform grants one per shop,
 * and WeChat's message-push Token (chosen by the owner, it signs pushes: a new one can be made
 * here) and EncodingAESKey (WeChat Store pushes only encrypted, in its safe mode).
 */
export interface PlatformFields {
  appKey: string;
  appSecret: string;
  storeRef?: string;
  accessToken?: string;
  pushToken?: string;
  encodingAesKey?: string;
}

export const PLATFORM_FIELDS: Record<ChinaPlatform, PlatformFields> = {
  meituan: { appKey: 'app_id', appSecret: 'app_secret', storeRef: '门店 app_poi_code', accessToken: 'access_token' },
  eleme: { appKey: 'source', appSecret: 'secret', storeRef: 'shop_id', accessToken: 'access_token' },
  youzan: { appKey: 'client_id', appSecret: 'client_secret', storeRef: 'kdt_id', accessToken: 'access_token' },
  wechat: { appKey: 'AppID', appSecret: 'AppSecret', pushToken: 'Token', encodingAesKey: 'EncodingAESKey' },
};

/** The hints beside the fields (intake.connect.field): a field's own, and WeChat's AppSecret, which signs nothing. */
export type FieldPurpose = keyof PlatformFields | 'apiSecret';

/**
 * What the hint beside a field says it is for. Meituan's, Ele.me's and Youzan's app secret signs
 * their pushes and our calls; WeChat's AppSecret only fetches the API's access token — its pushes
 * are signed with the Token — so an owner is not told to look for a mismatch in the wrong place.
 */
export function fieldPurpose(platform: ChinaPlatform, field: keyof PlatformFields): FieldPurpose {
  return platform === 'wechat' && field === 'appSecret' ? 'apiSecret' : field;
}

/**
 * The words for a delivery's outcome (intake.outcome). A platform's test push is verified and
 * stored, never read (its order id is made up, and nothing is asked of the platform): it is not
 * said to be mapped, as a web shop's test delivery is.
 */
export function outcomeWords(outcome: string, push: boolean): string {
  return push && outcome === 'tested' ? 'testedPush' : outcome;
}
