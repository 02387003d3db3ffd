import { z } from 'zod';
import { PushRefused, type PushVerdict } from '../platform-connector';
import type { ElemeParams } from './eleme-envelope';

/**
 * The pushes an Ele.me 零售 shop's orders send, each carrying only ids: what happened is read
 * from `order.get` after (eleme-order.mapper.ts). Sources: meiquan `EleOrderController.php` and
 * public Java integrations handling `order.create`, `order.status.push`, `order.reverse.push` and
 * `order.remind.push` (verify their bodies in Ele.me's console: open-retail.ele.me, 消息推送).
 */
export const ELEME_ORDER_PUSHES = ['order.create', 'order.status.push', 'order.reverse.push', 'order.remind.push'] as const;
export type ElemeOrderPush = (typeof ELEME_ORDER_PUSHES)[number];

/**
 * `order.status.push` statuses: 1 待确认 (waiting for the shop), 5 已确认, 7 骑士已接单 and
 * 8 骑士已取餐 (Ele.me's own riders), 9 完成, 10 取消, 15 退款 (the whole order refunded, verify).
 */
export const ELEME_ORDER_STATUS = {
  awaitingShop: 1,
  confirmed: 5,
  platformRiderAssigned: 7,
  platformRiderPickedUp: 8,
  completed: 9,
  cancelled: 10,
  refunded: 15,
} as const;

/** `order.reverse.push` refund states after the event: 0 初始化, 10 申请, 20 拒绝, 30 仲裁, 40 关闭, 50 成功, 60 失败. */
export const ELEME_REFUND_SUCCEEDED = 50;

/** An order id as text: long ids (19 digits) would lose digits as a JavaScript number. */
const orderId = z.union([z.string().regex(/^\d{1,30}$/), z.number().int().nonnegative()]).transform(String);
const integer = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const reverseEvent = z.looseObject({
  refund_status: integer,
  last_refund_status: integer.optional(),
  reason_content: z.string().nullish(),
  occur_time: integer.optional(),
});

export const ElemePushBodies = {
  'order.create': z.looseObject({ order_id: orderId, platform_shop_id: z.unknown().optional() }),
  'order.status.push': z.looseObject({ order_id: orderId, status: integer, platform_shop_id: z.unknown().optional() }),
  'order.reverse.push': z.looseObject({
    order_id: orderId,
    refund_order_id: orderId,
    platform_shop_id: z.unknown().optional(),
    // An object, or its JSON text in some integrations.
    cur_reverse_event: z.union([reverseEvent, z.string().transform((text, ctx) => parseJsonIn(text, reverseEvent, ctx))]),
  }),
  'order.remind.push': z.looseObject({
    order_id: orderId,
    remind_id: z.union([z.string(), z.number()]).transform(String).optional(),
    create_time: integer.optional(),
    platform_shop_id: z.unknown().optional(),
  }),
} satisfies Record<ElemeOrderPush, z.ZodType>;

export type ElemePushBody<P extends ElemeOrderPush> = z.output<(typeof ElemePushBodies)[P]>;

export type ElemePush = { [P in ElemeOrderPush]: { cmd: P; body: ElemePushBody<P> } }[ElemeOrderPush];

export function isOrderPush(cmd: string): cmd is ElemeOrderPush {
  return (ELEME_ORDER_PUSHES as readonly string[]).includes(cmd);
}

/**
 * JSON text read with long integers kept as their digits (Ele.me order ids run to 19 digits, past
 * what a double holds exactly). Needs the reviver's source text (Node ≥ 21).
 */
export function parseElemeJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source) ? context.source : value,
  );
}

function parseJsonIn<T extends z.ZodType>(text: string, schema: T, ctx: z.RefinementCtx): z.output<T> {
  try {
    const parsed = schema.safeParse(parseElemeJson(text));
    if (parsed.success) return parsed.data;
    ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'not readable' });
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not JSON' });
  }
  return z.NEVER;
}

/** The push an envelope carries, or why it cannot be read (MALFORMED). Other commands: undefined. */
export function readPush(params: ElemeParams): ElemePush | undefined {
  const cmd = params.cmd;
  if (cmd === undefined || !isOrderPush(cmd)) return undefined;
  let json: unknown;
  try {
    json = parseElemeJson(params.body ?? '');
  } catch {
    throw new PushRefused('MALFORMED', `${cmd}: body is not JSON`);
  }
  const parsed = ElemePushBodies[cmd].safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PushRefused('MALFORMED', `${cmd}: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'unreadable'}`);
  }
  return { cmd, body: parsed.data } as ElemePush;
}

/**
 * What a verified push is stored as. The event id is the command, the order and what happened to
 * it, so Ele.me sending the same status again (it re-sends until answered) stores nothing new;
 * only a reminder, which a buyer may send again and again, is told apart by its own id or time,
 * else by the push's ticket.
 */
export function pushVerdict(params: ElemeParams): PushVerdict {
  const push = readPush(params);
  if (push === undefined) return { store: false, ignored: `${params.cmd ?? 'no cmd'}: not an order push taken` };
  switch (push.cmd) {
    case 'order.create':
      return { store: true, eventId: `order.create:${push.body.order_id}`, topic: push.cmd };
    case 'order.status.push':
      return { store: true, eventId: `order.status.push:${push.body.order_id}:${push.body.status}`, topic: push.cmd };
    case 'order.reverse.push':
      return {
        store: true,
        eventId: `order.reverse.push:${push.body.order_id}:${push.body.refund_order_id}:${push.body.cur_reverse_event.refund_status}`,
        topic: push.cmd,
      };
    case 'order.remind.push': {
      const which = push.body.remind_id ?? (push.body.create_time !== undefined ? String(push.body.create_time) : `ticket-${params.ticket}`);
      return { store: true, eventId: `order.remind.push:${push.body.order_id}:${which}`, topic: push.cmd };
    }
  }
}
