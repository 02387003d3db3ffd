import { createHash, randomBytes, randomInt } from 'node:crypto';
import { header, mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';

/**
 * A stand-in for one Meituan 闪购 app (美团闪购开放平台, https://waimaiopen.meituan.com), which our
 * machines cannot reach. Written from public SDKs (easynet-cn/go-meituan, Code-Fly/MeituanAPI) and
 * production code (zhexiaoyang/meiquan), since Meituan's own pages could not be read:
 * - it sends pushes as Meituan does: an `application/x-www-form-urlencoded` POST to the push type's
 *   callback URL, every value URL-encoded once more inside the form (notes: "possibly twice"), with
 *   `app_id`, `timestamp` (seconds) and `sig` = MD5 (lowercase hex) of the callback URL + `?` + the
 *   parameters sorted by name as `k=v` joined by `&` (plain values) + the app secret;
 * - it serves the open-API paths the connector calls under `/api/v1/`, each checked as Meituan
 *   checks it: `app_id` (702), `timestamp` within ten minutes (705), `sig` over this origin's URL of
 *   the path and every parameter but `sig`, query and form body together (703), the
 *   `access_token` when the app has one (4001), the path's documented parameters and no others (701
 *   missing, 705 malformed). Refusals are Meituan's: HTTP 200 `{"data":"ng","error":{"code","msg"}}`;
 * - it records the write-back calls it accepted, in order, and can refuse the next N calls the way
 *   Meituan refuses when it is down (700 系统错误).
 */
export interface MeituanStandIn extends StandInServer {
  appId: string;
  appSecret: string;
  /** The store (app_poi_code) the app serves. */
  appPoiCode: string;
  /** Where the open API answers: what https://waimaiopen.meituan.com is in production. */
  apiOrigin: string;
  /** The store's pin as poi/mget gives it (GCJ-02 degrees). */
  shopPin: { lat: number; lng: number };
  /** Signs a push and sends it to our callback URL, as Meituan's push service does. */
  sendPush(push: MeituanPush): Promise<SentMeituanPush>;
  /** The recipient's real number order/batchPullPhoneNumber gives for an order (after a privacy-number downgrade). */
  setRealPhone(orderId: string, realPhoneNumber: string): void;
  /** The write-back calls accepted (order/confirm, order/preparationMealComplete, ecommerce/order/logistics/sync), in order. */
  writebacks(): MeituanWriteback[];
  /** The next `count` API calls (of those `matching` picks) are refused as Meituan refuses when it is down: 700 系统错误. */
  refuseNext(count: number, matching?: (call: MeituanWriteback) => boolean): void;
  /** The calls refused on purpose (refuseNext), in order. */
  refusedOnPurpose(): MeituanWriteback[];
}

export interface MeituanWriteback {
  path: string;
  method: string;
  /** Every application parameter as Meituan read it (the system ones — app_id, timestamp, sig, access_token — left out). */
  params: Record<string, string>;
}

export interface MeituanPush {
  /** Where to send it: the callback URL the shop pasted into Meituan's console. */
  url: string;
  /** The URL the push is signed over, when it differs from where it is sent (a proxy in front of us). */
  signedUrl?: string;
  /** The push's application parameters (order_id, detail, …): plain values. */
  params: Record<string, string | number>;
  /** Seconds; now by default. */
  timestamp?: number;
  /** Signed with another secret (a forgery). */
  secret?: string;
  /** A sig to send instead of the right one. */
  sig?: string;
  /** How many times each value is URL-encoded in the body (2 as the notes describe; 1 for a push encoded once). */
  encodings?: 1 | 2;
}

export interface SentMeituanPush {
  /** The exact body sent. */
  body: string;
  status: number;
  contentType: string | null;
  text: string;
}

/** The MD5 sig, lowercase hex, of URL + `?` + the parameters sorted by name as plain `k=v` joined by `&` + the secret. */
export function meituanStandInSig(url: string, params: Record<string, string>, secret: string): string {
  const text = `${url}?${Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${name}=${params[name]}`)
    .join('&')}${secret}`;
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Java's URLEncoder.encode(value, "UTF-8"): the form encoding, a space as `+`. */
const javaUrlEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * A paid flower order's push parameters (go-meituan `app/app_paid_order_request.go` fields), for the
 * specs: a booker (order_phone_number) apart from the recipient, privacy numbers, the card text and
 * an anonymity request in `caution`, the items in `detail`, a pin in GCJ-02, a chosen slot.
 */
export function meituanPaidOrder(
  orderId: string,
  appPoiCode: string,
  deliveryTime: Date,
  overrides: Record<string, string | number> = {},
): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const params: Record<string, string | number> = {
    order_id: orderId,
    wm_order_id_view: orderId,
    app_poi_code: appPoiCode,
    wm_poi_name: '花间小店',
    recipient_name: '李女士',
    recipient_address: '望京东路4号 恒电大厦B座1层@#北京市朝阳区望京东路4号恒电大厦',
    recipient_phone: '13800000000_1234',
    backup_recipient_phone: '[]',
    order_phone_number: '13900000000_5678',
    caution: '匿名配送；贺卡：生日快乐，永远爱你',
    detail: JSON.stringify([{ app_food_code: 'ROSE-11', sku_id: 'ROSE-11', food_name: '红玫瑰11枝', quantity: 1, price: 199, unit: '束', spec: '礼盒装' }]),
    total: '199.00',
    original_price: '219.00',
    shipping_fee: '20.00',
    latitude: '39.996794',
    longitude: '116.480881',
    delivery_time: Math.floor(deliveryTime.getTime() / 1000),
    ctime: now,
    utime: now,
    status: 2,
    pay_type: 2,
    pick_type: 0,
    logistics_code: '0000',
    day_seq: randomInt(1, 200),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

const ERRORS = {
  700: '系统错误',
  701: '缺少参数，数据不完整',
  702: 'app_id不存在',
  703: '签名验证错误',
  705: '参数格式错误',
  806: '不存在此订单',
  4001: '用户token已过期，需重新获取',
} as const;
const meituanError = (code: keyof typeof ERRORS, reason: string): Refusal => new Refusal(200, reason, { data: 'ng', error: { code, msg: ERRORS[code] } });

const ORDER_ID = /^\d{1,30}$/;
const DEGREES = /^-?\d{1,3}\.\d{1,8}$/;
/** logistics_provider_code values (go-meituan's field note): 10001–10017 and 10032. */
const PROVIDER_CODES = new Set([...Array.from({ length: 17 }, (_, i) => String(10001 + i)), '10032']);
/** logistics_status codes (same note). */
const LOGISTICS_STATUSES = new Set(['0', '1', '5', '10', '15', '20', '40', '100']);
const SYSTEM_PARAMS = new Set(['app_id', 'timestamp', 'sig', 'access_token']);

type Check = (value: string) => boolean;
interface Route {
  methods: string[];
  required: Record<string, Check>;
  optional?: Record<string, Check>;
  writeback: boolean;
}

const ROUTES: Record<string, Route> = {
  // go-meituan order/order_confirm_request.go, order_preparation_meal_complete_request.go: GET, order_id.
  'order/confirm': { methods: ['GET', 'POST'], required: { order_id: (v) => ORDER_ID.test(v) }, writeback: true },
  'order/preparationMealComplete': { methods: ['GET', 'POST'], required: { order_id: (v) => ORDER_ID.test(v) }, writeback: true },
  // ecommerce_order_logistics_sync_request.go: POST, every field required, the position in 高德 (GCJ-02) degrees.
  'ecommerce/order/logistics/sync': {
    methods: ['POST'],
    required: {
      order_id: (v) => ORDER_ID.test(v),
      third_carrier_order_id: (v) => v.length > 0 && v.length <= 64,
      courier_name: (v) => v.length > 0 && v.length <= 50,
      courier_phone: (v) => /^1\d{10}$/.test(v),
      logistics_provider_code: (v) => PROVIDER_CODES.has(v),
      logistics_status: (v) => LOGISTICS_STATUSES.has(v),
      latitude: (v) => DEGREES.test(v) && Math.abs(Number(v)) <= 90,
      longitude: (v) => DEGREES.test(v) && Math.abs(Number(v)) <= 180,
    },
    writeback: true,
  },
  // order_batch_pull_phone_number_request.go: offset and limit (≤ 1000), app_poi_code optional.
  'order/batchPullPhoneNumber': {
    methods: ['GET', 'POST'],
    required: { offset: (v) => /^\d+$/.test(v), limit: (v) => /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 1000 },
    optional: { app_poi_code: (v) => v.length > 0 },
    writeback: false,
  },
  // poi/poi_mget_request.go: GET, app_poi_codes (comma-separated, up to 200).
  'poi/mget': { methods: ['GET'], required: { app_poi_codes: (v) => v.split(',').length <= 200 && v.split(',').every(Boolean) }, writeback: false },
};

export async function startMeituanStandIn(
  options: { appId?: string; appSecret?: string; appPoiCode?: string; accessToken?: string; shopPin?: { lat: number; lng: number } } = {},
): Promise<MeituanStandIn> {
  const appId = options.appId ?? String(randomInt(1000, 99999));
  const appSecret = options.appSecret ?? randomBytes(16).toString('hex');
  const appPoiCode = options.appPoiCode ?? `petals-${randomBytes(3).toString('hex')}`;
  const shopPin = options.shopPin ?? { lat: 39.996794, lng: 116.480881 };
  const realPhones = new Map<string, string>();
  const accepted: MeituanWriteback[] = [];
  const refused: MeituanWriteback[] = [];
  let toRefuse: { count: number; matching?: (call: MeituanWriteback) => boolean } = { count: 0 };
  let baseUrl = '';

  /** The query's and the form body's parameters, each decoded once, as Meituan's servers read them. */
  const paramsOf = (request: StandInRequest): Record<string, string> => {
    const params: Record<string, string> = {};
    const add = (name: string, value: string) => {
      if (name in params) throw meituanError(705, `parameter ${name} given twice`);
      params[name] = value;
    };
    for (const [name, value] of request.query) add(name, value);
    if (request.body !== '') {
      if (request.method !== 'POST' || mediaType(request.headers) !== 'application/x-www-form-urlencoded')
        throw meituanError(705, `a body with ${request.method} and Content-Type ${header(request.headers, 'content-type')}`);
      for (const [name, value] of new URLSearchParams(request.body)) add(name, value);
    }
    return params;
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    const path = request.path.replace(/^\/api\/v1\//, '');
    const route = request.path.startsWith('/api/v1/') ? ROUTES[path] : undefined;
    if (!route) throw new Refusal(404, `no open-API path ${request.method} ${request.path}`, { data: 'ng', error: { code: 404, msg: 'Not Found' } });
    if (!route.methods.includes(request.method))
      throw new Refusal(405, `${request.method} on ${path}`, { data: 'ng', error: { code: 405, msg: 'Method Not Allowed' } });
    const params = paramsOf(request);
    if (params.app_id === undefined || params.timestamp === undefined || params.sig === undefined) throw meituanError(701, 'app_id, timestamp or sig missing');
    if (params.app_id !== appId) throw meituanError(702, `app_id ${params.app_id}`);
    if (!/^\d{10}$/.test(params.timestamp) || Math.abs(Date.now() / 1000 - Number(params.timestamp)) > 600)
      throw meituanError(705, `timestamp ${params.timestamp} is not now in seconds`);
    if (params.sig !== meituanStandInSig(`${baseUrl}/api/v1/${path}`, params, appSecret)) throw meituanError(703, 'sig does not match');
    if (options.accessToken !== undefined && params.access_token !== options.accessToken) throw meituanError(4001, 'access_token missing or wrong');
    if (options.accessToken === undefined && params.access_token !== undefined) throw meituanError(705, 'access_token from an app that has none');

    const application = Object.fromEntries(Object.entries(params).filter(([name]) => !SYSTEM_PARAMS.has(name)));
    for (const [name, valid] of Object.entries(route.required)) {
      if (application[name] === undefined || application[name] === '') throw meituanError(701, `${path}: ${name} missing`);
      if (!valid(application[name])) throw meituanError(705, `${path}: ${name}=${application[name]}`);
    }
    for (const [name, value] of Object.entries(application)) {
      if (name in route.required) continue;
      const valid = route.optional?.[name];
      if (!valid) throw meituanError(705, `${path}: parameter ${name} is not one of the path's`);
      if (!valid(value)) throw meituanError(705, `${path}: ${name}=${value}`);
    }

    const call: MeituanWriteback = { path, method: request.method, params: application };
    if (toRefuse.count > 0 && (!toRefuse.matching || toRefuse.matching(call))) {
      toRefuse = { ...toRefuse, count: toRefuse.count - 1 };
      refused.push(call);
      return { status: 200, body: { data: 'ng', error: { code: 700, msg: ERRORS[700] } } };
    }
    if (route.writeback) {
      accepted.push(call);
      return { status: 200, body: { data: 'ok' } };
    }
    if (path === 'poi/mget') {
      const shops = application.app_poi_codes.split(',').filter((code) => code === appPoiCode);
      // Latitude and longitude ×10⁶, as poi/mget answers them (go-meituan poi/poi_info.go).
      return {
        status: 200,
        body: { data: shops.map((code) => ({ app_poi_code: code, latitude: Math.round(shopPin.lat * 1e6), longitude: Math.round(shopPin.lng * 1e6) })) },
      };
    }
    if (application.app_poi_code !== undefined && application.app_poi_code !== appPoiCode) return { status: 200, body: { data: [] } };
    // Order ids are JSON numbers of 17 digits and more (bigint in Meituan's docs): written as such, beyond what a double holds.
    const offset = Number(application.offset);
    const rows = [...realPhones]
      .slice(offset, offset + Number(application.limit))
      .map(
        ([orderId, real]) =>
          `{"order_id":${orderId},"app_poi_code":${JSON.stringify(appPoiCode)},"wm_order_id_view":${orderId},"day_seq":1,"real_phone_number":${JSON.stringify(real)}}`,
      );
    return { status: 200, rawBody: `{"data":[${rows.join(',')}]}` };
  };

  const server = await startStandInServer(handle);
  baseUrl = server.baseUrl;

  const sendPush = async (push: MeituanPush): Promise<SentMeituanPush> => {
    const params: Record<string, string> = {
      ...Object.fromEntries(Object.entries(push.params).map(([k, v]) => [k, String(v)])),
      app_id: appId,
      timestamp: String(push.timestamp ?? Math.floor(Date.now() / 1000)),
    };
    params.sig = push.sig ?? meituanStandInSig(push.signedUrl ?? push.url, params, push.secret ?? appSecret);
    const encode = (value: string) => ((push.encodings ?? 2) === 2 ? javaUrlEncode(javaUrlEncode(value)) : javaUrlEncode(value));
    const body = Object.entries(params)
      .map(([name, value]) => `${javaUrlEncode(name)}=${encode(value)}`)
      .join('&');
    const response = await fetch(push.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body,
      redirect: 'manual',
    });
    return { body, status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
  };

  return {
    ...server,
    appId,
    appSecret,
    appPoiCode,
    apiOrigin: server.baseUrl,
    shopPin,
    sendPush,
    setRealPhone: (orderId, realPhoneNumber) => void realPhones.set(orderId, realPhoneNumber),
    writebacks: () => accepted.map((call) => ({ ...call, params: { ...call.params } })),
    refuseNext: (count, matching) => {
      toRefuse = { count, matching };
    },
    refusedOnPurpose: () => [...refused],
  };
}
