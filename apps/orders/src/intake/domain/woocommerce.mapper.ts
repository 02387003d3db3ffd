import { CARD_MESSAGE_MAX } from '@petalpost/contracts';
import { z } from 'zod';
import { type ConnectionContext, DEFAULT_MAPPINGS, deliveryOf, flagOf, type OrderFields, valueOf } from './field-mapping';
import { type IntakeOrderInput, type MappedDelivery, UnreadablePayload } from './intake-order';
import { moneyOf } from './money';
import { cut, isPhone, normalized, optional } from './mapped-fields';

/**
 * A WooCommerce order webhook (`order.created`, `order.updated`): the body is the REST v3 order as
 * it is at send time. The buyer is `billing` (email and phone live only there), the recipient
 * `shipping`. WooCommerce has no cancel topic: a cancelled, refunded or failed status is the
 * cancellation. Orders still being checked out (pending, drafts) are not orders yet: skipped, the
 * next update brings them. Delivery date and slot are plug-in meta, as the shop's mapping says.
 */
const meta = z.looseObject({ key: z.coerce.string(), value: z.unknown().optional(), display_key: z.string().nullish(), display_value: z.unknown().optional() });
const address = z
  .looseObject({
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    company: z.string().nullish(),
    address_1: z.string().nullish(),
    address_2: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    postcode: z.string().nullish(),
    country: z.string().nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .nullish();

const WooOrderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  number: z.union([z.string(), z.number()]).nullish(),
  status: z.string(),
  currency: z.string().nullish(),
  date_created_gmt: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  date_paid_gmt: z.string().nullish(),
  total: z.union([z.string(), z.number()]).nullish(),
  customer_id: z.number().nullish(),
  customer_note: z.string().nullish(),
  billing: address,
  shipping: address,
  meta_data: z.array(meta).nullish(),
  line_items: z
    .array(
      z.looseObject({
        id: z.union([z.number(), z.string()]).nullish(),
        name: z.string().nullish(),
        product_id: z.union([z.number(), z.string()]).nullish(),
        variation_id: z.union([z.number(), z.string()]).nullish(),
        sku: z.string().nullish(),
        quantity: z.number().int().nullish(),
        meta_data: z.array(meta).nullish(),
      }),
    )
    .nullish(),
});

/** Our policy (docs/intake.md): an order is taken once it is being fulfilled. */
const TAKEN = new Set(['processing', 'on-hold', 'completed']);
const CANCELLED = new Set(['cancelled', 'refunded', 'failed']);

export function mapWooCommerceOrder(payload: unknown, context: ConnectionContext): MappedDelivery {
  const parsed = WooOrderSchema.safeParse(payload);
  if (!parsed.success) throw new UnreadablePayload(`not a WooCommerce order: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  const o = parsed.data;
  const externalRef = String(o.id);
  const modified = gmt(o.date_modified_gmt) ?? gmt(o.date_created_gmt);
  if (!modified) throw new UnreadablePayload('a WooCommerce order without date_modified_gmt');
  const cancelled = CANCELLED.has(o.status);
  if (!TAKEN.has(o.status) && !cancelled) return { kind: 'skip', externalRef, reason: `status ${o.status}: not an order to make yet` };
  const defaults = DEFAULT_MAPPINGS.woocommerce;
  const fields: OrderFields = {
    order: (o.meta_data ?? []).map((m) => ({ name: m.key, value: m.value })),
    // Item meta under its key and, where the plug-in shows it under another label, that label too.
    items: (o.line_items ?? []).flatMap((line) =>
      (line.meta_data ?? []).flatMap((m) => [
        { name: m.key, value: m.value },
        ...(m.display_key ? [{ name: m.display_key, value: m.display_value ?? m.value }] : []),
      ]),
    ),
    note: o.customer_note ?? undefined,
  };
  const { mapping } = context;
  const billing = o.billing;
  const shipping = o.shipping;
  const buyerName = personName(billing) ?? billing?.email ?? undefined;
  const cardMessage = valueOf(fields, mapping.cardMessage ?? defaults.cardMessage);
  const order: IntakeOrderInput = {
    displayRef: o.number != null ? String(o.number) : undefined,
    channel: 'web',
    buyer: buyerName
      ? {
          name: cut(buyerName, 200),
          ...optional('email', billing?.email, (v) => z.email().safeParse(v).success),
          ...optional('phone', billing?.phone, isPhone),
          ...optional('customerId', o.customer_id ? String(o.customer_id) : undefined),
        }
      : undefined,
    recipient: shipping
      ? {
          ...optional('name', personName(shipping)),
          ...optional('phone', shipping.phone, isPhone),
          addressType: shipping.company ? 'business' : 'residence',
          ...optional('address', addressText(shipping) === undefined ? undefined : { text: addressText(shipping) as string }),
        }
      : undefined,
    items: (o.line_items ?? []).map((line) => ({
      sku: cut(line.sku || String(line.variation_id || line.product_id || line.id || 'item'), 64),
      name: cut(decodeEntities(line.name || 'Item'), 200),
      quantity: Math.min(Math.max(line.quantity ?? 1, 1), 999),
    })),
    ...deliveryOf(fields, mapping, defaults, context.timeZone),
    ...(cardMessage ? { cardMessage: cut(cardMessage, CARD_MESSAGE_MAX) } : {}),
    anonymousSender: flagOf(fields, mapping.anonymousSender ?? defaults.anonymousSender),
    doNotContactRecipient: flagOf(fields, mapping.doNotContactRecipient ?? defaults.doNotContactRecipient),
    ...optional('price', moneyOf(o.total, o.currency)),
    paid: Boolean(o.date_paid_gmt),
    ...optional('note', o.customer_note ? cut(o.customer_note, 1000) : undefined),
    ...(cancelled ? { cancelled: { reason: `status ${o.status}` } } : {}),
  };
  return { kind: 'order', externalRef, externalUpdatedAt: modified, order: normalized(order) };
}

/** WooCommerce's `_gmt` times carry no zone: they are UTC. */
function gmt(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const iso = /(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  return Number.isNaN(Date.parse(iso)) ? undefined : new Date(iso).toISOString();
}

function personName(p: z.infer<typeof address>): string | undefined {
  const name = [p?.first_name, p?.last_name].filter(Boolean).join(' ').trim();
  return name ? cut(name, 200) : undefined;
}

function addressText(a: NonNullable<z.infer<typeof address>>): string | undefined {
  if (!a.address_1?.trim()) return undefined;
  const town = [a.postcode, a.city].filter(Boolean).join(' ');
  return cut([a.company, a.address_1, a.address_2, town, a.state, a.country].filter((p) => p && p.trim()).join(', '), 500);
}

/** Product names come HTML-escaped (`Ship Your Idea &ndash; Color: Black`). */
function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', nbsp: ' ', hellip: '…' };
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? whole;
  });
}
