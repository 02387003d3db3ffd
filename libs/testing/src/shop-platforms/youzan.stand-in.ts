import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';
import type { SentDelivery } from './webhook-senders';

/**
 * A stand-in for one Youzan shop and the self-use app it authorised (youzanyun), which our
 * machines cannot reach. Written from youzan/open-sdk-php (token and call URLs, JSON bodies),
 * huang-ding/api-youzan (the push and its MD5 sign) and the youzanyun API list:
 * - pushes as Youzan sends them: a JSON POST `{ client_id, id, kdt_id, kdt_name, mode, msg, sendCount,
 *   sign, status, test, type, version }`, `msg` the event URL-encoded as Java's URLEncoder does, `sign`
 *   MD5(client_id + msg + client_secret) in lowercase hex;
 * - `POST /auth/token` (the silent flow: authorize_type silent, client_id, client_secret, grant_id = kdt_id);
 * - `POST /api/<method>/<version>?access_token=…` with a JSON body: youzan.trade.get 4.0.0,
 *   youzan.cloud.secret.decrypt.single/batch 1.0.0 and youzan.retail.open.update.localDeliveryStatus
 *   1.0.0 — whose parameters Youzan does not publish: the stand-in holds our reading of it (docs/intake/youzan.md) and no more.
 * A token it does not know is answered as Youzan's gateway does (`gw_err_resp` 4203, an expired one 4202);
 * a call it refuses `{ success: false, code, message }`, both with HTTP 200 (verify: as integrations read them).
 */
export interface YouzanStandIn extends StandInServer {
  /** The open API's origin (ORDERS_INTAKE_YOUZAN_API_ORIGIN). */
  apiOrigin: string;
  clientId: string;
  clientSecret: string;
  kdtId: string;
  /** A token the stand-in takes without the silent flow: what a shop gives as its connection's accessToken. */
  givenToken: string;
  /** Adds or replaces a trade (full_order_info with plain personal data): the stand-in encrypts it as Youzan answers it. */
  putTrade(trade: YouzanTradeFixture): void;
  trade(tid: string): YouzanTradeFixture | undefined;
  /** Encrypts a value for this shop, as Youzan gives personal data out: `$…$1$`. */
  encrypt(plain: string): string;
  /** The request Youzan makes for a push of one of the shop's messages. */
  pushRequest(push: YouzanPushInput): { headers: Record<string, string>; body: string };
  sendPush(url: string, push: YouzanPushInput): Promise<SentDelivery>;
  /** Every accepted localDeliveryStatus call, in the order received. */
  localDeliveryUpdates(): Array<{ orderNo: string; body: YouzanLocalDeliveryBody }>;
  /** How many tokens the silent flow made. */
  tokensMade(): number;
  /** Youzan ends every token made so far (as after a refresh elsewhere): the next call with one is 4202. */
  expireTokens(): void;
}

export interface YouzanPushInput {
  type: string;
  /** The message's id: the trade's tid for trade messages. */
  id: string;
  /** The event in msg (URL-encoded by the stand-in). */
  message?: Record<string, unknown>;
  version?: number;
  sendCount?: number;
  test?: boolean;
  /** A sign to send instead of the right one (forgery). */
  sign?: string;
  /** Another shop's kdt_id, or the app's client id, when a spec needs one. */
  kdtId?: string;
  clientId?: string;
}

export type YouzanLocalDeliveryBody = z.infer<typeof localDeliveryBody>;

/** A trade as youzan.trade.get's full_order_info, personal data in plain (the stand-in encrypts it). */
export type YouzanTradeFixture = {
  order_info: { tid: string; status: string; express_type?: number; pay_time?: string; refund_state?: number } & Record<string, unknown>;
  address_info: Record<string, unknown>;
  buyer_info: Record<string, unknown>;
  remark_info?: { buyer_message?: string };
  pay_info?: Record<string, unknown>;
  orders: Array<Record<string, unknown>>;
} & Record<string, unknown>;

/** A local-delivery florist order as Youzan holds it: a buyer, someone else receiving, a slot, the card in the buyer's message. */
export function youzanTrade(tid: string, slot: { start: string; end: string }, overrides: Partial<YouzanTradeFixture> = {}): YouzanTradeFixture {
  return {
    order_info: {
      tid,
      status: 'WAIT_SELLER_SEND_GOODS',
      status_str: '待发货',
      express_type: 2,
      created: '2027-02-13 09:30:00',
      pay_time: '2027-02-13 09:30:12',
      update_time: '2027-02-13 09:30:12',
      refund_state: 0,
      type: 0,
      is_retail_order: true,
    },
    address_info: {
      receiver_name: '李四',
      receiver_tel: '13900001111',
      delivery_province: '上海市',
      delivery_city: '上海市',
      delivery_district: '黄浦区',
      delivery_address: '南京东路 100 号 8 楼',
      delivery_postal_code: '',
      delivery_start_time: slot.start,
      delivery_end_time: slot.end,
      self_fetch_info: '',
      address_extra: '{"appointmentType":2,"areaCode":"310101","lon":121.478224,"lat":31.228474}',
    },
    buyer_info: { buyer_phone: '13800002222', fans_nickname: '张三', yz_open_id: 'lDWyZBas807636140352864256', fans_type: 1, fans_id: 19582175287 },
    remark_info: { buyer_message: '贺卡：生日快乐，永远爱你；匿名' },
    pay_info: { payment: '199.50', total_fee: '219.50', post_fee: '20.00' },
    orders: [{ oid: 1, item_id: 3021, sku_id: 77, title: '红玫瑰 11 枝', num: 1, outer_sku_id: 'ROSE-11', price: '199.50', payment: '199.50' }],
    ...overrides,
  };
}

/** The fields Youzan encrypts per shop (verify which for a given shop). */
const ENCRYPTED: Array<[keyof YouzanTradeFixture, string]> = [
  ['address_info', 'receiver_name'],
  ['address_info', 'receiver_tel'],
  ['address_info', 'delivery_address'],
  ['buyer_info', 'buyer_phone'],
  ['buyer_info', 'fans_nickname'],
];

const localDeliveryBody = z.strictObject({
  order_no: z.string().min(1),
  kdt_id: z.number().int().positive(),
  delivery_status: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  update_time: z.number().int().positive(),
  rider_name: z.string().min(1).optional(),
  rider_phone: z
    .string()
    .regex(/^\+?\d{5,20}$/)
    .optional(),
  // Youzan's maps are GCJ-02: a point in China (verify the names and the datum on the API's page).
  longitude: z.number().min(73).max(136).optional(),
  latitude: z.number().min(3).max(54).optional(),
});

/** Java's URLEncoder.encode(…, "UTF-8"), which Youzan's push uses (verify): spaces as +, only A–Z a–z 0–9 . - * _ left as they are. */
export function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export async function startYouzanStandIn(options: { clientId?: string; clientSecret?: string; kdtId?: string } = {}): Promise<YouzanStandIn> {
  const clientId = options.clientId ?? randomBytes(9).toString('hex');
  const clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  const kdtId = options.kdtId ?? String(90_000_000 + Math.floor(Math.random() * 9_000_000));
  const givenToken = `given_${randomBytes(12).toString('hex')}`;
  const trades = new Map<string, YouzanTradeFixture>();
  const ciphers = new Map<string, string>();
  const tokens = new Map<string, { expired: boolean }>([[givenToken, { expired: false }]]);
  const updates: Array<{ orderNo: string; body: YouzanLocalDeliveryBody }> = [];
  let made = 0;

  const refused = (code: number, message: string, reason = message) => new Refusal(200, reason, { success: false, code, message, data: null });
  const ok = (data: unknown): StandInAnswer => ({ status: 200, body: { success: true, code: 200, message: 'successful', data } });

  const encrypt = (plain: string) => {
    const cipher = `$${createHash('sha256')
      .update(`${kdtId}:${plain}:${randomBytes(4).toString('hex')}`)
      .digest('base64')
      .slice(0, 32)}$1$`;
    ciphers.set(cipher, plain);
    return cipher;
  };

  const jsonBody = (request: StandInRequest): Record<string, unknown> => {
    if (request.method !== 'POST') throw new Refusal(405, `${request.method} ${request.path}`, { success: false, code: 405, message: 'method not allowed' });
    if (mediaType(request.headers) !== 'application/json')
      throw refused(40000, 'Content-Type must be application/json', `Content-Type ${mediaType(request.headers)}`);
    try {
      const body = JSON.parse(request.body || '{}') as unknown;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // refused below
    }
    throw refused(40000, '参数格式错误', 'body is not a JSON object');
  };

  const token = (request: StandInRequest) => {
    const given = request.query.get('access_token');
    const held = given ? tokens.get(given) : undefined;
    if (!held) throw new Refusal(200, `unknown access_token ${given ?? '(none)'}`, { gw_err_resp: { err_code: 4203, err_msg: 'access_token不存在' } });
    if (held.expired) throw new Refusal(200, 'expired access_token', { gw_err_resp: { err_code: 4202, err_msg: 'access_token已过期' } });
  };

  const authToken = (request: StandInRequest): StandInAnswer => {
    const body = jsonBody(request);
    if (body.authorize_type !== 'silent') throw refused(40001, 'authorize_type 错误', `authorize_type ${String(body.authorize_type)}`);
    if (body.client_id !== clientId || body.client_secret !== clientSecret) throw refused(40003, 'client_id 或 client_secret 错误', 'wrong client credentials');
    if (String(body.grant_id) !== kdtId) throw refused(40004, '店铺未授权', `grant_id ${String(body.grant_id)} is not the shop that authorised the app`);
    const issued = `yz_${randomBytes(16).toString('hex')}`;
    tokens.set(issued, { expired: false });
    made++;
    return ok({ access_token: issued, expires: Date.now() + 7 * 86_400_000, scope: 'trade trade_advanced', authority_id: kdtId });
  };

  const tradeGet = (body: Record<string, unknown>): StandInAnswer => {
    if (Object.keys(body).some((key) => key !== 'tid') || typeof body.tid !== 'string')
      throw refused(40000, '参数错误: tid', `trade.get takes { tid }, got ${JSON.stringify(body)}`);
    const held = trades.get(body.tid);
    if (!held) throw refused(101300002, '订单不存在', `no trade ${body.tid}`);
    const out = structuredClone(held);
    for (const [part, field] of ENCRYPTED) {
      const holder = out[part] as Record<string, unknown> | undefined;
      if (typeof holder?.[field] === 'string' && holder[field] !== '') holder[field] = encrypt(holder[field] as string);
    }
    return ok({ full_order_info: out, refund_order: [], delivery_order: [], order_promotion: {} });
  };

  const decryptBatch = (body: Record<string, unknown>): StandInAnswer => {
    const sources = body.sources;
    if (!Array.isArray(sources) || sources.length === 0 || sources.length > 10_000 || sources.some((s) => typeof s !== 'string' || s === '')) {
      throw refused(40000, '参数错误: sources', 'decrypt.batch takes { sources: non-empty strings }');
    }
    return ok(Object.fromEntries((sources as string[]).filter((s) => ciphers.has(s)).map((s) => [s, ciphers.get(s)])));
  };

  const localDelivery = (body: Record<string, unknown>): StandInAnswer => {
    const parsed = localDeliveryBody.safeParse(body);
    if (!parsed.success) throw refused(40000, '参数错误', `localDeliveryStatus: ${parsed.error.message}`);
    if (String(parsed.data.kdt_id) !== kdtId) throw refused(40004, '店铺未授权', `kdt_id ${parsed.data.kdt_id}`);
    if (!trades.has(parsed.data.order_no)) throw refused(101300002, '订单不存在', `no trade ${parsed.data.order_no}`);
    if ((parsed.data.longitude === undefined) !== (parsed.data.latitude === undefined))
      throw refused(40000, '参数错误: 经纬度', 'a longitude without a latitude');
    updates.push({ orderNo: parsed.data.order_no, body: parsed.data });
    return ok(true);
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    if (request.path === '/auth/token') return authToken(request);
    const api = /^\/api\/([a-zA-Z.]+)\/(\d+\.\d+\.\d+)$/.exec(request.path);
    if (!api) throw new Refusal(404, `no route ${request.method} ${request.path}`, { success: false, code: 404, message: 'api not found' });
    const body = jsonBody(request);
    token(request);
    switch (`${api[1]}/${api[2]}`) {
      case 'youzan.trade.get/4.0.0':
        return tradeGet(body);
      case 'youzan.cloud.secret.decrypt.batch/1.0.0':
        return decryptBatch(body);
      case 'youzan.cloud.secret.decrypt.single/1.0.0':
        if (typeof body.source !== 'string') throw refused(40000, '参数错误: source', 'decrypt.single takes { source }');
        return ok(ciphers.get(body.source) ?? body.source);
      case 'youzan.retail.open.update.localDeliveryStatus/1.0.0':
        return localDelivery(body);
      default:
        throw new Refusal(200, `no API ${api[1]} ${api[2]}`, { gw_err_resp: { err_code: 4004, err_msg: 'api不存在' } });
    }
  };

  const pushRequest = (push: YouzanPushInput) => {
    const msg = javaUrlEncode(JSON.stringify(push.message ?? { tid: push.id, status: trades.get(push.id)?.order_info.status ?? 'WAIT_SELLER_SEND_GOODS' }));
    const client = push.clientId ?? clientId;
    const body = JSON.stringify({
      client_id: client,
      id: push.id,
      kdt_id: Number(push.kdtId ?? kdtId),
      kdt_name: '花间小店',
      mode: 1,
      msg,
      sendCount: push.sendCount ?? 0,
      sign: push.sign ?? createHash('md5').update(`${client}${msg}${clientSecret}`).digest('hex'),
      status: trades.get(push.id)?.order_info.status ?? '',
      test: push.test ?? false,
      type: push.type,
      version: push.version ?? Date.now(),
    });
    return { headers: { 'Content-Type': 'application/json;charset=UTF-8', 'User-Agent': 'Youzan-Push' }, body };
  };

  const server = await startStandInServer(handle);
  return {
    ...server,
    apiOrigin: server.baseUrl,
    clientId,
    clientSecret,
    kdtId,
    givenToken,
    putTrade: (trade) => void trades.set(trade.order_info.tid, structuredClone(trade)),
    trade: (tid) => trades.get(tid),
    encrypt,
    pushRequest,
    sendPush: async (url, push) => {
      const { headers, body } = pushRequest(push);
      const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });
      return { headers, body, status: response.status, text: await response.text() };
    },
    localDeliveryUpdates: () => [...updates],
    tokensMade: () => made,
    expireTokens: () => {
      for (const [key, held] of tokens) if (key !== givenToken) held.expired = true;
    },
  };
}
