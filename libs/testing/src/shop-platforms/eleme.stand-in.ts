import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mediaType, Refusal, startStandInServer, type StandInAnswer, type StandInRequest, type StandInServer } from './stand-in-server';

/**
 * A stand-in for Ele.me 零售's open platform (api-be.ele.me), which our machines cannot reach. Its
 * facts come from public integrations (meiquan's `Libraries/Ele`, the `me.ele.sdk.up` and retail
 * Java clients; see docs/intake/eleme.md), not Ele.me's own pages:
 * - one envelope both ways: `cmd`, `body` (JSON text), `source` (the app key), `ticket`,
 *   `timestamp` (Unix seconds), `version` 3, `encrypt`, an optional `access_token`, and `sign` = the
 *   upper-case MD5 of every other parameter plus `secret=<secret>`, sorted by name, joined `k=v&`;
 * - pushes are sent form-encoded to the shop's callback URL, carrying ids only, and the answer must
 *   be a JSON envelope `resp.<cmd>` signed the same way, its body `{errno:0,error:"success",data}`;
 * - calls are form-encoded POSTs to `/`: `order.get`, `order.confirm`, `order.pickcomplete`, and
 *   the self-delivery tracks — `order.selfDeliveryStateSync` (`distributor_id` 201, `selfStatus`,
 *   `knight{id,name,phone}`) with `order.selfDeliveryLocationSync` (`location{UTC,altitude,
 *   latitude,longitude}`, GCJ-02), or `order.sendout` then `order.complete`. Using both tracks for
 *   one order is refused and recorded as a refusal (the two overwrite each other on Ele.me).
 * A refusal is answered Ele.me's way: HTTP 200 and an envelope whose errno is not 0. The errno
 * numbers are this stand-in's own (Ele.me's list is not public); the texts say what was wrong.
 */
export interface ElemeStandIn extends StandInServer {
  /** Where the API is reached: ORDERS_INTAKE_ELEME_API_ORIGIN. */
  apiOrigin: string;
  /** The app key (`source`) and secret the shop's app was given. */
  source: string;
  secret: string;
  /** The shop on Ele.me (its store id). */
  shopId: string;
  /** When set, every call must carry it as `access_token`. */
  accessToken?: string;
  /** Adds or replaces an order `order.get` serves (`elemeOrderDetail` makes one). */
  putOrder(order: ElemeOrderDetail): void;
  order(orderId: string): ElemeOrderDetail | undefined;
  /** Sends a push as Ele.me does and checks our answer. */
  push(url: string, push: ElemePushToSend): Promise<ElemePushAnswer>;
  /** Every push sent, in order, with our answer. */
  pushes(): ElemePushAnswer[];
  /** The write-back calls Ele.me took, in the order they came (of one order when given). */
  writebacks(orderId?: string): ElemeWriteback[];
  /** The next `count` calls (of those `cmd` names, when given) are refused as a busy gateway refuses: errno ≠ 0, "系统繁忙". */
  refuseNext(count: number, cmds?: readonly string[]): void;
}

export interface ElemePushToSend {
  cmd: 'order.create' | 'order.status.push' | 'order.reverse.push' | 'order.remind.push' | (string & {});
  body: Record<string, unknown>;
  /** Sign with this secret instead of the app's (a forgery). */
  signWith?: string;
  /** Send exactly this sign. */
  sign?: string;
  ticket?: string;
  timestamp?: number;
}

export interface ElemePushAnswer {
  cmd: string;
  /** The envelope as sent. */
  sent: Record<string, string>;
  status: number;
  text: string;
  /** Our answer's result, when it was an envelope. */
  errno?: number;
  error?: string;
  /** Whether our answer was signed with the app's secret. */
  signed: boolean;
  /** What was wrong with the answer's shape (not JSON, another cmd, no result); absent when it was Ele.me's shape. */
  problem?: string;
}

export interface ElemeWriteback {
  cmd: string;
  orderId: string;
  body: Record<string, unknown>;
}

/** What `order.get` answers in `body.data` (the fields the connector reads, as the integrations read them). */
export interface ElemeOrderDetail {
  order: {
    order_id: string;
    /** 1 待确认, 5 已确认, 7/8 Ele.me's rider, 9 完成, 10 取消. */
    status: number;
    /** 1 as soon as possible, 2 booked for `latest_send_time`. */
    send_immediately: 1 | 2;
    /** Unix seconds: deliver by then. */
    latest_send_time: number;
    create_time: number;
    remark: string;
    /** What the buyer paid, in fen. */
    user_fee: number;
    total_fee: number;
    send_fee: number;
    order_index: number;
  } & Record<string, unknown>;
  user: {
    name: string;
    /** A privacy number as `virtual,extension`, or a plain mobile number. */
    phone: string;
    address: string;
    /** GCJ-02 (Amap); `coord` beside it is Baidu's BD-09. */
    coord_amap: { longitude: string | number; latitude: string | number };
  } & Record<string, unknown>;
  shop: { id: string; name: string; baidu_shop_id?: string };
  products: Array<Array<{ product_name: string; product_amount: number; custom_sku_id?: string; baidu_product_id?: string; product_price: number }>>;
  discount: unknown[];
}

/** An Ele.me order as `order.get` gives it: booked for 15:00 Beijing time on `date`, a card text in the remark. */
export function elemeOrderDetail(
  orderId: string,
  shopId: string,
  overrides: { order?: Partial<ElemeOrderDetail['order']>; user?: Partial<ElemeOrderDetail['user']> } = {},
): ElemeOrderDetail {
  const latest = Math.floor(Date.parse('2026-02-14T15:00:00+08:00') / 1000);
  return {
    order: {
      order_id: orderId,
      status: 1,
      send_immediately: 2,
      latest_send_time: latest,
      create_time: latest - 86_400,
      remark: '贺卡：生日快乐，永远爱你',
      user_fee: 19_900,
      total_fee: 21_900,
      send_fee: 500,
      order_index: 12,
      ...overrides.order,
    },
    user: {
      name: '李女士',
      phone: '13800138000,1234',
      address: '北京市东城区东长安街1号 东方广场W1座 8层',
      coord_amap: { longitude: '116.410232', latitude: '39.915670' },
      coord: { longitude: '116.416718', latitude: '39.921964' },
      ...overrides.user,
    },
    shop: { id: shopId, name: '花语花店', baidu_shop_id: `3200${shopId}` },
    products: [[{ product_name: '红玫瑰 11 支', product_amount: 1, custom_sku_id: 'ROSE-11', baidu_product_id: '1575981', product_price: 19_900 }]],
    discount: [],
  };
}

export function elemeSignOf(params: Record<string, string>, secret: string): string {
  const all: Record<string, string> = { ...params, secret };
  delete all.sign;
  const text = Object.keys(all)
    .sort()
    .map((name) => `${name}=${all[name]}`)
    .join('&');
  return createHash('md5').update(text, 'utf8').digest('hex').toUpperCase();
}

const SELF_STATUSES = [3, 20, 30];
const ERRNO = { params: 1001, sign: 1002, source: 1003, token: 1004, noOrder: 2001, state: 2002, busy: 5001 } as const;

const orderRef = z.strictObject({ order_id: z.string().regex(/^\d+$/) });
const stateSync = z.strictObject({
  order_id: z.string().regex(/^\d+$/),
  distributor_id: z.literal(201),
  selfStatus: z.number().int(),
  knight: z.strictObject({ id: z.string().min(1), name: z.string().min(1), phone: z.string() }),
});
const coordinate = (min: number, max: number) => z.number().min(min).max(max);
const locationSync = z.strictObject({
  order_id: z.string().regex(/^\d+$/),
  // GCJ-02 is defined over China only: a point outside it is not one.
  location: z.strictObject({ UTC: z.number().int().positive(), altitude: z.number(), latitude: coordinate(3.8, 53.6), longitude: coordinate(73.5, 135.1) }),
});

const TRACK: Record<string, 'state' | 'sendout'> = {
  'order.selfDeliveryStateSync': 'state',
  'order.selfDeliveryLocationSync': 'state',
  'order.sendout': 'sendout',
  'order.complete': 'sendout',
};

export async function startElemeStandIn(options: { source?: string; secret?: string; shopId?: string; accessToken?: string } = {}): Promise<ElemeStandIn> {
  const source = options.source ?? String(30000 + Math.floor(Math.random() * 60000));
  const secret = options.secret ?? randomBytes(16).toString('hex');
  const shopId = options.shopId ?? String(1_000_000 + Math.floor(Math.random() * 9_000_000));
  const orders = new Map<string, ElemeOrderDetail>();
  const tracks = new Map<string, 'state' | 'sendout'>();
  const writebacks: ElemeWriteback[] = [];
  const pushes: ElemePushAnswer[] = [];
  let refusals: { count: number; cmds?: readonly string[] } = { count: 0 };

  const answerFor = (request: Record<string, string>, errno: number, error: string, data: unknown): Record<string, unknown> => {
    const envelope: Record<string, string> = {
      body: JSON.stringify({ errno, error, data }),
      cmd: `resp.${request.cmd ?? ''}`,
      encrypt: '',
      source,
      ticket: request.ticket ?? '',
      timestamp: String(Math.floor(Date.now() / 1000)),
      version: '3',
    };
    // The API's answers carry the body as an object; the sign is over its JSON text.
    return { ...envelope, body: { errno, error, data }, sign: elemeSignOf(envelope, secret) };
  };
  const refuse = (request: Record<string, string>, errno: number, error: string, reason = error): Refusal =>
    new Refusal(200, reason, answerFor(request, errno, error, null));

  const bodyOf = <T extends z.ZodType>(params: Record<string, string>, schema: T): z.output<T> => {
    let json: unknown;
    try {
      json = JSON.parse(params.body);
    } catch {
      throw refuse(params, ERRNO.params, 'body is not JSON', `${params.cmd}: body is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw refuse(params, ERRNO.params, 'params error', `${params.cmd}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    return parsed.data;
  };
  const heldOrder = (params: Record<string, string>, orderId: string) => {
    const order = orders.get(orderId);
    if (!order) throw refuse(params, ERRNO.noOrder, '订单不存在', `${params.cmd}: no order ${orderId} in this shop`);
    return order;
  };

  const handle = (request: StandInRequest): StandInAnswer => {
    if (request.method !== 'POST' || (request.path !== '/' && request.path !== ''))
      throw new Refusal(404, `no route ${request.method} ${request.path}`, { error: 'not found' });
    if (mediaType(request.headers) !== 'application/x-www-form-urlencoded')
      throw new Refusal(200, `Content-Type ${mediaType(request.headers)}`, answerFor({}, ERRNO.params, 'params error', null));
    const params = Object.fromEntries(new URLSearchParams(request.body));
    for (const name of ['cmd', 'body', 'source', 'ticket', 'timestamp', 'version', 'sign']) {
      if (params[name] === undefined || params[name] === '') throw refuse(params, ERRNO.params, `${name} is required`);
    }
    for (const name of Object.keys(params)) {
      if (!['cmd', 'body', 'source', 'ticket', 'timestamp', 'version', 'sign', 'encrypt', 'access_token'].includes(name))
        throw refuse(params, ERRNO.params, `unknown parameter ${name}`);
    }
    if (params.version !== '3') throw refuse(params, ERRNO.params, `version ${params.version} not supported`);
    if (!/^[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}$/.test(params.ticket))
      throw refuse(params, ERRNO.params, `ticket ${params.ticket} is not a UUID`);
    if (!/^\d{10}$/.test(params.timestamp) || Math.abs(Number(params.timestamp) - Date.now() / 1000) > 600)
      throw refuse(params, ERRNO.params, `timestamp ${params.timestamp} is not now in Unix seconds`);
    if (params.encrypt !== undefined && params.encrypt !== '')
      throw refuse(params, ERRNO.params, `encrypt ${params.encrypt}: the stand-in takes plain bodies only`);
    if (params.source !== source) throw refuse(params, ERRNO.source, 'source invalid', `source ${params.source} is not the app's`);
    if (params.sign !== elemeSignOf(params, secret)) throw refuse(params, ERRNO.sign, 'sign error');
    if (options.accessToken !== undefined && params.access_token !== options.accessToken) throw refuse(params, ERRNO.token, 'access_token invalid');

    if (refusals.count > 0 && (!refusals.cmds || refusals.cmds.includes(params.cmd))) {
      refusals = { ...refusals, count: refusals.count - 1 };
      return { status: 200, body: answerFor(params, ERRNO.busy, '系统繁忙，请稍后重试', null) };
    }

    const ok = (data: unknown): StandInAnswer => ({ status: 200, body: answerFor(params, 0, 'success', data) });
    const written = (orderId: string, body: Record<string, unknown>) => {
      const track = TRACK[params.cmd];
      if (track !== undefined) {
        const used = tracks.get(orderId);
        if (used !== undefined && used !== track)
          throw refuse(params, ERRNO.state, '自配送状态同步与送出/送达接口不能同时使用', `both self-delivery tracks used for order ${orderId}`);
        tracks.set(orderId, track);
      }
      writebacks.push({ cmd: params.cmd, orderId, body });
      return ok(true);
    };

    switch (params.cmd) {
      case 'order.get': {
        const { order_id } = bodyOf(params, orderRef);
        return ok(structuredClone(heldOrder(params, order_id)));
      }
      case 'order.confirm': {
        const { order_id } = bodyOf(params, orderRef);
        const order = heldOrder(params, order_id);
        if (![1, 5].includes(order.order.status))
          throw refuse(params, ERRNO.state, '订单状态不允许该操作', `confirm of an order in status ${order.order.status}`);
        order.order.status = 5;
        return written(order_id, { order_id });
      }
      case 'order.pickcomplete':
      case 'order.sendout':
      case 'order.complete': {
        const { order_id } = bodyOf(params, orderRef);
        const order = heldOrder(params, order_id);
        if (order.order.status === 10) throw refuse(params, ERRNO.state, '订单已取消', `${params.cmd} of a cancelled order`);
        return written(order_id, { order_id });
      }
      case 'order.selfDeliveryStateSync': {
        const body = bodyOf(params, stateSync);
        heldOrder(params, body.order_id);
        if (!SELF_STATUSES.includes(body.selfStatus))
          throw refuse(params, ERRNO.params, 'params error', `selfStatus ${body.selfStatus} is not one of ${SELF_STATUSES.join(', ')}`);
        return written(body.order_id, body);
      }
      case 'order.selfDeliveryLocationSync': {
        const body = bodyOf(params, locationSync);
        heldOrder(params, body.order_id);
        return written(body.order_id, body);
      }
      default:
        throw refuse(params, ERRNO.params, `cmd ${params.cmd} not supported`);
    }
  };

  const server = await startStandInServer(handle);

  const push = async (url: string, toSend: ElemePushToSend): Promise<ElemePushAnswer> => {
    const envelope: Record<string, string> = {
      cmd: toSend.cmd,
      body: JSON.stringify(toSend.body),
      source,
      ticket: toSend.ticket ?? randomUUID().toUpperCase(),
      timestamp: String(toSend.timestamp ?? Math.floor(Date.now() / 1000)),
      version: '3',
      encrypt: '',
    };
    envelope.sign = toSend.sign ?? elemeSignOf(envelope, toSend.signWith ?? secret);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: new URLSearchParams(envelope).toString(),
      redirect: 'manual',
    });
    const text = await response.text();
    const answer: ElemePushAnswer = { cmd: toSend.cmd, sent: envelope, status: response.status, text, ...readAnswer(text, toSend.cmd, secret) };
    pushes.push(answer);
    return answer;
  };

  return {
    ...server,
    apiOrigin: server.baseUrl,
    source,
    secret,
    shopId,
    accessToken: options.accessToken,
    putOrder: (order) => void orders.set(order.order.order_id, structuredClone(order)),
    order: (orderId) => orders.get(orderId),
    push,
    pushes: () => [...pushes],
    writebacks: (orderId) => writebacks.filter((w) => orderId === undefined || w.orderId === orderId).map((w) => structuredClone(w)),
    refuseNext: (count, cmds) => {
      refusals = { count, cmds };
    },
  };
}

/** Our answer to a push, read as Ele.me reads it: a JSON envelope `resp.<cmd>` with a result, its sign checked. */
function readAnswer(text: string, cmd: string, secret: string): Pick<ElemePushAnswer, 'errno' | 'error' | 'signed' | 'problem'> {
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { signed: false, problem: 'the answer is not JSON' };
  }
  if (typeof answer !== 'object' || answer === null) return { signed: false, problem: 'the answer is not an envelope' };
  const strings = Object.fromEntries(Object.entries(answer).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const signed = typeof answer.sign === 'string' && answer.sign === elemeSignOf(strings, secret);
  let result: { errno?: unknown; error?: unknown };
  try {
    result = (typeof answer.body === 'string' ? JSON.parse(answer.body) : answer.body) as { errno?: unknown; error?: unknown };
  } catch {
    return { signed, problem: 'the answer body is not JSON' };
  }
  if (typeof result !== 'object' || result === null || typeof result.errno !== 'number' || typeof result.error !== 'string')
    return { signed, problem: 'the answer body has no errno and error' };
  const problem = answer.cmd !== `resp.${cmd}` ? `the answer's cmd is ${String(answer.cmd)}, not resp.${cmd}` : undefined;
  return { errno: result.errno, error: result.error, signed, ...(problem ? { problem } : {}) };
}
