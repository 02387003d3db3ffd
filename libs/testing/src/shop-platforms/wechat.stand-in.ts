import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';
import type { SentDelivery } from './webhook-senders';

/**
 * A stand-in for one WeChat Store (微信小店 / 视频号小店) and WeChat's server API, which our machines
 * cannot reach. From developers.weixin.qq.com (message push, the order callbacks, access token)
 * and WxJava's weixin-java-channel (the order, address and shipping shapes):
 * - the URL check: `GET ?signature&timestamp&nonce&echostr`, expecting echostr back;
 * - order events as WeChat pushes them in JSON: in safe mode (the only one the store offers) the
 *   body `{ ToUserName, Encrypt }` and `encrypt_type=aes&msg_signature` in the query, Encrypt being
 *   AES-256-CBC under the EncodingAESKey; in plain mode the event itself with `signature`. The
 *   event's order_id is a JSON number beyond 2^53, as WeChat sends it;
 * - `GET /cgi-bin/token?grant_type=client_credential&appid&secret` → `{ access_token, expires_in }`;
 * - `POST /channels/ec/order/get`, `/channels/ec/order/sensitiveinfo/decode` and
 *   `/channels/ec/order/delivery/send` with `?access_token=` and a JSON body, answered
 *   `{ errcode, errmsg, … }` (40001 for a token it does not know, as WeChat does).
 */
export interface WechatStandIn extends StandInServer {
  apiOrigin: string;
  appId: string;
  appSecret: string;
  /** The message-push Token. */
  pushToken: string;
  /** The message-push EncodingAESKey (43 characters). */
  encodingAesKey: string;
  /** Adds or replaces an order: as /channels/ec/order/get gives it (address masked), with what the decode gives. */
  putOrder(order: WechatOrderFixture): void;
  order(orderId: string): WechatOrderFixture | undefined;
  /** The order's status changes on WeChat (250: cancelled by the buyer, 30: shipped …). */
  setStatus(orderId: string, status: number): void;
  /** The request WeChat makes for one event (its query and body). */
  eventRequest(input: WechatEventInput): { query: Record<string, string>; headers: Record<string, string>; body: string };
  sendEvent(url: string, input: WechatEventInput): Promise<SentDelivery>;
  /** WeChat's URL check of a push URL: its answer. */
  checkUrl(url: string, options?: { token?: string }): Promise<{ status: number; text: string; echostr: string }>;
  /** Every accepted shipping (delivery/send), in the order received. */
  shipments(): Array<{ orderId: string; body: WechatDeliverySendBody }>;
  /** How many times the address of each order was decoded. */
  decodes(orderId: string): number;
  tokensMade(): number;
  /** WeChat stops taking every token made so far (one made elsewhere replaced them): the next call with one is 40001. */
  expireTokens(): void;
}

export interface WechatEventInput {
  event: string;
  orderId: string;
  /** Fields of order_info beside order_id (pay_time, cancel_type). */
  info?: Record<string, number | string>;
  mode?: 'safe' | 'plain';
  createTime?: number;
  /** A Token to sign with instead of the store's (forgery). */
  signWith?: string;
}

export type WechatDeliverySendBody = z.infer<typeof deliverySendBody>;

/** What the stand-in holds of an order: the order (as order/get answers it) and its unmasked address. */
export interface WechatOrderFixture {
  order: { order_id: string; status: number; create_time: number; update_time: number } & Record<string, unknown>;
  decoded: { address_info: Record<string, unknown>; virtual_number_info?: { virtual_number: string; extension: string; expiration: number } };
}

/**
 * A paid florist order of a WeChat Store: no slot field, so the buyer wrote the date and time in
 * the note with the card; the recipient's number hidden behind a virtual one that expires.
 */
export function wechatOrder(orderId: string, note: string, options: { virtualExpiresAt?: Date; createdAt?: Date } = {}): WechatOrderFixture {
  const created = Math.floor((options.createdAt ?? new Date()).getTime() / 1000);
  const expiration = Math.floor((options.virtualExpiresAt ?? new Date(Date.now() + 3 * 86_400_000)).getTime() / 1000);
  return {
    order: {
      order_id: orderId,
      status: 20,
      openid: 'o8Hk-buyer-openid',
      create_time: created,
      update_time: created + 12,
      order_detail: {
        product_infos: [
          {
            product_id: '10000038912345',
            sku_id: '2001',
            title: '红玫瑰花束',
            sku_cnt: 1,
            sale_price: 18950,
            real_price: 18950,
            sku_code: 'ROSE-11',
            sku_attrs: [{ attr_key: '规格', attr_value: '11枝' }],
            on_aftersale_sku_cnt: 0,
            finish_aftersale_sku_cnt: 0,
          },
        ],
        price_info: { product_price: 18950, order_price: 19950, freight: 1000 },
        pay_info: { pay_time: created + 12, transaction_id: '4200002027021400001' },
        delivery_info: {
          address_info: {
            user_name: '李*',
            tel_number: '139****1111',
            province_name: '上海市',
            city_name: '上海市',
            county_name: '黄浦区',
            detail_info: '南京东路***',
            lat: 31.228474,
            lng: 121.478224,
            use_tel_number: 1,
            tel_number_ext_info: { real_tel_number: '139****1111', virtual_tel_number: '17100001234-5678', virtual_tel_expire_time: expiration },
          },
          deliver_method: 0,
        },
        ext_info: { customer_notes: note, merchant_notes: '' },
      },
    },
    decoded: {
      address_info: {
        user_name: '李四',
        tel_number: '13900001111',
        province_name: '上海市',
        city_name: '上海市',
        county_name: '黄浦区',
        detail_info: '南京东路 100 号',
        house_number: '8 楼',
      },
      virtual_number_info: { virtual_number: '17100001234', extension: '5678', expiration },
    },
  };
}

const deliverySendBody = z.strictObject({
  order_id: z.string().regex(/^\d+$/),
  delivery_list: z
    .array(
      z.strictObject({
        delivery_id: z.string().min(1),
        waybill_id: z.string().min(1).max(64),
        deliver_type: z.union([z.literal(1), z.literal(3)]),
        product_infos: z.array(z.strictObject({ product_id: z.string().min(1), sku_id: z.string().min(1), product_cnt: z.number().int().positive() })).min(1),
      }),
    )
    .min(1),
});

const sha1 = (parts: string[]) =>
  createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');

/** WeChat's safe-mode encryption: AES-256-CBC, key = base64(EncodingAESKey + "="), IV its first 16 bytes, PKCS#7 to 32 bytes. */
function encrypt(message: string, appId: string, encodingAesKey: string): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const text = Buffer.from(message);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  const plain = Buffer.concat([randomBytes(16), length, text, Buffer.from(appId)]);
  const pad = 32 - (plain.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
}

export async function startWechatStandIn(options: { appId?: string; appSecret?: string; pushToken?: string } = {}): Promise<WechatStandIn> {
  const appId = options.appId ?? `wx${randomBytes(8).toString('hex')}`;
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex');
  const pushToken = options.pushToken ?? `Petal${randomBytes(6).toString('hex')}`;
  const encodingAesKey = randomBytes(32).toString('base64').slice(0, 43);
  const orders = new Map<string, WechatOrderFixture>();
  const tokens = new Set<string>();
  const shipped: Array<{ orderId: string; body: WechatDeliverySendBody }> = [];
  const decodeCounts = new Map<string, number>();
  let made = 0;

  const wxError = (errcode: number, errmsg: string, reason = errmsg) => new Refusal(200, reason, { errcode, errmsg });
  const ok = (body: Record<string, unknown> = {}): StandInAnswer => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...body } });

  const jsonBody = (request: StandInRequest): Record<string, unknown> => {
    if (request.method !== 'POST') throw wxError(43002, 'require POST method', `${request.method} ${request.path}`);
    if (mediaType(request.headers) !== 'application/json') throw wxError(47001, 'data format error', `Content-Type ${mediaType(request.headers)}`);
    try {
      const body = JSON.parse(request.body) as unknown;
      if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
    } catch {
      // refused below
    }
    throw wxError(47001, 'data format error', 'body is not a JSON object');
  };

  const heldOrder = (body: Record<string, unknown>, path: string): WechatOrderFixture => {
    if (Object.keys(body).some((key) => key !== 'order_id') || typeof body.order_id !== 'string' || !/^\d+$/.test(body.order_id)) {
      throw wxError(47001, 'data format error', `${path} takes { order_id: "<digits>" }, got ${JSON.stringify(body)}`);
    }
    const held = orders.get(body.order_id);
    if (!held) throw wxError(10020052, 'order not exist', `no order ${body.order_id}`);
    return held;
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    if (request.path === '/cgi-bin/token') {
      if (request.method !== 'GET') throw wxError(43001, 'require GET method');
      if (request.query.get('grant_type') !== 'client_credential') throw wxError(40002, 'invalid grant_type');
      if (request.query.get('appid') !== appId) throw wxError(40013, 'invalid appid');
      if (request.query.get('secret') !== appSecret) throw wxError(40125, 'invalid appsecret');
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      made++;
      return { status: 200, body: { access_token: token, expires_in: 7200 } };
    }
    const route = ['/channels/ec/order/get', '/channels/ec/order/sensitiveinfo/decode', '/channels/ec/order/delivery/send'].find((p) => p === request.path);
    if (!route) throw new Refusal(404, `no route ${request.method} ${request.path}`, { errcode: 404, errmsg: 'not found' });
    const body = jsonBody(request);
    if (!tokens.has(request.query.get('access_token') ?? '')) throw wxError(40001, 'invalid credential, access_token is invalid or not latest');
    if (route === '/channels/ec/order/get') return ok({ order: structuredClone(heldOrder(body, route).order) });
    if (route === '/channels/ec/order/sensitiveinfo/decode') {
      const held = heldOrder(body, route);
      if (held.order.status < 20) throw wxError(10020068, 'order not paid', `decode of unpaid order ${held.order.order_id}`);
      decodeCounts.set(held.order.order_id, (decodeCounts.get(held.order.order_id) ?? 0) + 1);
      return ok(structuredClone(held.decoded));
    }
    const parsed = deliverySendBody.safeParse(body);
    if (!parsed.success) throw wxError(47001, 'data format error', `delivery/send: ${parsed.error.message}`);
    const held = orders.get(parsed.data.order_id);
    if (!held) throw wxError(10020052, 'order not exist', `no order ${parsed.data.order_id}`);
    if (held.order.status !== 20 && held.order.status !== 21)
      throw wxError(10020064, 'order status not allow send', `order ${held.order.order_id} is ${held.order.status}`);
    const products = ((held.order.order_detail as { product_infos: Array<{ product_id: string; sku_id: string; sku_cnt: number }> }).product_infos ?? []).map(
      (p) => `${p.product_id}/${p.sku_id}`,
    );
    const unknown = parsed.data.delivery_list.flatMap((d) => d.product_infos).find((p) => !products.includes(`${p.product_id}/${p.sku_id}`));
    if (unknown) throw wxError(10020071, 'product not in order', `product ${unknown.product_id}/${unknown.sku_id} is not in the order`);
    held.order.status = 30;
    held.order.update_time = Math.floor(Date.now() / 1000);
    shipped.push({ orderId: parsed.data.order_id, body: parsed.data });
    return ok();
  };

  const eventRequest = (input: WechatEventInput): { query: Record<string, string>; headers: Record<string, string>; body: string } => {
    const createTime = input.createTime ?? Math.floor(Date.now() / 1000);
    const info = Object.entries(input.info ?? {})
      .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
      .join('');
    // The order id as WeChat writes it: a bare JSON number, too large for a double.
    const message = `{"ToUserName":"gh_3f1e2d3c4b5a","FromUserName":"o8Hk-buyer-openid","CreateTime":${createTime},"MsgType":"event","Event":${JSON.stringify(input.event)},"order_info":{"order_id":${input.orderId}${info}}}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(randomBytes(4).readUInt32BE());
    const token = input.signWith ?? pushToken;
    const signature = sha1([token, timestamp, nonce]);
    if (input.mode === 'plain') return { query: { signature, timestamp, nonce }, headers: { 'Content-Type': 'application/json' }, body: message };
    const encrypted = encrypt(message, appId, encodingAesKey);
    return {
      query: { signature, timestamp, nonce, encrypt_type: 'aes', msg_signature: sha1([token, timestamp, nonce, encrypted]) },
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ToUserName: 'gh_3f1e2d3c4b5a', Encrypt: encrypted }),
    };
  };

  const server = await startStandInServer(handle);
  return {
    ...server,
    apiOrigin: server.baseUrl,
    appId,
    appSecret,
    pushToken,
    encodingAesKey,
    putOrder: (order) => void orders.set(order.order.order_id, structuredClone(order)),
    order: (orderId) => orders.get(orderId),
    setStatus: (orderId, status) => {
      const held = orders.get(orderId);
      if (!held) throw new Error(`the stand-in holds no order ${orderId}`);
      held.order.status = status;
      held.order.update_time = Math.floor(Date.now() / 1000);
    },
    eventRequest,
    sendEvent: async (url, input) => {
      const { query, headers, body } = eventRequest(input);
      const target = new URL(url);
      for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
      const response = await fetch(target, { method: 'POST', headers, body, redirect: 'manual' });
      return { headers, body, status: response.status, text: await response.text() };
    },
    checkUrl: async (url, check = {}) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = String(randomBytes(4).readUInt32BE());
      const echostr = String(randomBytes(8).readBigUInt64BE());
      const target = new URL(url);
      target.searchParams.set('signature', sha1([check.token ?? pushToken, timestamp, nonce]));
      target.searchParams.set('echostr', echostr);
      target.searchParams.set('timestamp', timestamp);
      target.searchParams.set('nonce', nonce);
      const response = await fetch(target, { redirect: 'manual' });
      return { status: response.status, text: await response.text(), echostr };
    },
    shipments: () => [...shipped],
    decodes: (orderId) => decodeCounts.get(orderId) ?? 0,
    tokensMade: () => made,
    expireTokens: () => tokens.clear(),
  };
}
