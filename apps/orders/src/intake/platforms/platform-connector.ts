import type { IntakeOrder } from '../domain/intake-order';
import type { WritebackFacts, WritebackStatus } from '../writeback/domain/writeback-plan';

/**
 * The Chinese platforms a florist sells on, each pushing orders to its own callback with its own
 * signature scheme (docs/intake.md, one section each). Unlike Shopify and WooCommerce they are
 * told much more than "delivered": the shop delivers with its own riders (商家自配送), so each
 * order's confirmation, the rider, every step and the rider's position go back to the platform.
 */
export const CHINA_PLATFORMS = ['meituan', 'eleme', 'youzan', 'wechat'] as const;
export type ChinaPlatform = (typeof CHINA_PLATFORMS)[number];

export function isChinaPlatform(platform: string): platform is ChinaPlatform {
  return (CHINA_PLATFORMS as readonly string[]).includes(platform);
}

export type PushHeaders = Record<string, string | string[] | undefined>;

/** One push as it reached us: what a connector verifies and identifies. */
export interface PushRequest {
  method: 'GET' | 'POST';
  /**
   * The callback URL as the shop registered it with the platform (ORDERS_INTAKE_PUBLIC_URL and the
   * route's path, no query): Meituan signs over it, so it is rebuilt from configuration, never
   * from the Host header a proxy may have rewritten.
   */
  callbackUrl: string;
  /** Meituan's push type, the last segment of its URL (one URL per push type); absent elsewhere. */
  pushType?: string;
  headers: PushHeaders;
  /** The query string's parameters, decoded once. */
  query: Record<string, string>;
  /** The body's bytes exactly as received (empty for a GET). */
  rawBody: Buffer;
}

/** What a verified push is: one to store (the dedupe key and what to call it), or one answered and dropped. */
export type PushVerdict =
  | {
      store: true;
      /** Unique per connection: a replay of this push stores nothing new (e.g. Meituan order id + push type). */
      eventId: string;
      /** What the push is, shown in the shop's "last pushes" (e.g. `order.paid`). */
      topic: string;
    }
  | {
      store: false;
      /** Why nothing is stored: a GET probe, a heartbeat, a push type not taken. */
      ignored: string;
    };

/** What we answer a platform: always its own shape (Meituan `{"data":"ok"}`, Ele.me a signed envelope, WeChat `success`). */
export interface PushAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Why a push is refused: nothing is stored, and the platform gets its own error shape. */
export class PushRefused extends Error {
  constructor(
    readonly code: 'SIGNATURE_INVALID' | 'SHOP_NOT_CONNECTED' | 'MALFORMED',
    message: string,
  ) {
    super(message);
    this.name = 'PushRefused';
  }
}

/** Everything needed to call the platform for one connection: opened for one use, never logged or kept. */
export interface PlatformAccess {
  platform: ChinaPlatform;
  connectionId: string;
  /** Meituan app_id, Ele.me source, Youzan client_id, WeChat appid. */
  appKey: string;
  /** What signs pushes and calls: Meituan app_secret, Ele.me secret, Youzan client_secret, WeChat the push Token. */
  secret: string;
  /** The shop on the platform: Meituan app_poi_code, Ele.me shop_id, Youzan kdt_id (WeChat: none). */
  storeRef?: string;
  /** The rest, sealed at rest: an access_token, WeChat's AppSecret. Each connector documents its keys. */
  credentials: Record<string, string>;
  /** The platform's open-API origin (configuration: the real one, or a local stand-in in tests). */
  apiOrigin: string;
  /** The shop's time zone: a slot the platform gives as a local time is read in it. */
  timeZone: string;
  /** How this shop's buyer notes and slots are read (the shop adjusts them on the connection). */
  rules: PlatformRules;
}

/**
 * What a shop may adjust of how a platform order is read: the buyer's note (Meituan `caution`,
 * Ele.me `remark`, Youzan `buyer_message`) carries the card text and an anonymous-sender request
 * in free words, never in a field of their own. What matches none of them is kept as a note for
 * staff; what is ambiguous holds the order for staff ("needs attention"), never guessed.
 */
export interface PlatformRules {
  /** Words that introduce the card text (`贺卡：`, `卡片内容:`, `card:`); the text after them is the card. */
  cardMarkers: string[];
  /** Words that ask for the sender to stay unnamed (`匿名`, `不要留名`, `anonymous`). */
  anonymousWords: string[];
  /** "As soon as possible" (Meituan delivery_time 0, Ele.me send_immediately): the window is now to this many minutes on. */
  asapMinutes: number;
  /** A privacy number whose expiry the platform does not give lasts this many hours after the delivery window ends. */
  privacyNumberHours: number;
}

/** A stored push, opened for processing. */
export interface StoredPush {
  topic: string;
  eventId: string;
  body: Buffer;
  receivedAt: string;
}

/** A privacy number (隐私号): dialable while it lasts, shown as expired after. */
export interface PrivacyPhone {
  /** Dialable as stored: a virtual number and its extension as `13812345678,1234` (the comma is a dial pause). */
  phone: string;
  expiresAt?: string;
}

/**
 * What a push means for the order it names. Pure connectors' `read` produce these; the push worker
 * acts on them through IntakePlacer, so every platform's push ends in the same few doings.
 */
export type PushMeaning =
  /** A full snapshot of the order (paid, confirmed, details fetched): placed, updated, or held for staff. */
  | { kind: 'order'; externalRef: string; externalUpdatedAt: string; order: IntakeOrder }
  /** The platform cancelled it, or refunded all of it: the order is cancelled (not found → recorded, nothing changes). */
  | { kind: 'cancelled'; externalRef: string; at: string; reason: string }
  /** Part of it was refunded: staff are alerted on the order (an exception to look at), nothing else changes. */
  | { kind: 'partly_refunded'; externalRef: string; at: string; note: string }
  /** The buyer chases the order (催单): staff are alerted on the order. */
  | { kind: 'reminder'; externalRef: string; at: string; note?: string }
  /** The recipient's privacy number changed or was downgraded to the real one: the order's recipient phone is corrected. */
  | { kind: 'recipient_phone'; externalRef: string; at: string; phone: PrivacyPhone }
  /** The platform closed the order (completed): recorded, nothing changes. */
  | { kind: 'completed'; externalRef: string; at: string }
  /** Nothing to take (a status we do not act on). */
  | { kind: 'skip'; externalRef?: string; reason: string };

/** A rider as the platform is told of them (商家自配送: their name and phone go to the platform, which shows them to the buyer). */
export interface RiderOnRecord {
  riderId: string;
  name: string;
  phone?: string;
}

/** One status (or position) to write back for one order of one connection. */
export interface PlatformStatus {
  facts: WritebackFacts;
  /** The order's rider, for statuses from rider_assigned on; absent when dispatch has not told us of them yet. */
  rider?: RiderOnRecord;
}

/**
 * One platform behind the intake port: verifies and answers its pushes, says what a stored push
 * means (fetching details through its API where the push carries only an id), and writes the
 * shop's own delivery back. Everything platform-specific lives behind this, in platforms/<name>/.
 */
export interface PlatformConnector {
  readonly platform: ChinaPlatform;
  /** Meituan: one URL per push type (these path segments); others take every push at one URL. */
  readonly pushTypes?: readonly string[];
  /** The statuses this platform is told, in the order they happen; others are never queued for it. */
  readonly statuses: readonly WritebackStatus[];
  /** The least time between two positions sent for one order (the platform's rate), or undefined when it takes none. */
  readonly positionIntervalMs?: number;

  /** Checks the push's signature against the connection's secrets (current, and previous in grace); throws PushRefused. */
  verify(request: PushRequest, secrets: readonly string[]): PushVerdict;
  /** The answer to a push stored, replayed or ignored. */
  ack(request: PushRequest, secret: string): PushAnswer;
  /** The answer to a refused push, in the platform's shape. */
  refuse(request: PushRequest, refusal: PushRefused): PushAnswer;
  /** What a stored push means; may call the platform (Ele.me order.get). Throws UnreadablePayload when it is not an order push. */
  read(push: StoredPush, access: PlatformAccess, signal: AbortSignal): Promise<PushMeaning>;
  /** Tells the platform: throws WritebackFailure (retryable or not). Positions go out GCJ-02. */
  write(access: PlatformAccess & { externalRef: string }, status: PlatformStatus, signal: AbortSignal): Promise<{ remoteRef?: string }>;
  /**
   * A signed sample push, as the platform would send it to `callbackUrl`, for the console's connection test.
   * `query`: what the platform puts after `?` (WeChat signs there: signature, timestamp, nonce, msg_signature).
   */
  samplePush(
    access: PlatformAccess,
    callbackUrl: string,
  ): { pushType?: string; contentType: string; headers: Record<string, string>; body: Buffer; query?: Record<string, string> };
}

export const PLATFORM_CONNECTORS = Symbol('PLATFORM_CONNECTORS');
