import { CARD_MESSAGE_MAX } from '@petalpost/contracts';
import { z } from 'zod';
import { type ConnectionContext, DEFAULT_MAPPINGS, deliveryOf, flagOf, type OrderFields, valueOf } from './field-mapping';
import { type IntakeOrderInput, type MappedDelivery, UnreadablePayload } from './intake-order';
import { cut, isPhone, normalized, optional } from './mapped-fields';
import { moneyOf } from './money';

/**
 * A Shopify order webhook (`orders/create`, `orders/updated`, `orders/cancelled`): the REST-shaped
 * order. The buyer is the customer (the sender of the flowers), the recipient the shipping address
 * — never the billing address, which is the payer's. Delivery date, time and card message come
 * from note attributes and line-item properties, as the shop's mapping says.
 */
const nameValue = z.looseObject({ name: z.coerce.string(), value: z.unknown().optional() });
const address = z
  .looseObject({
    name: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    zip: z.string().nullish(),
    province: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
    latitude: z.number().nullish(),
    longitude: z.number().nullish(),
  })
  .nullish();

const ShopifyOrderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: z.string().nullish(),
  updated_at: z.string().nullish(),
  created_at: z.string().nullish(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  note: z.string().nullish(),
  note_attributes: z.array(nameValue).nullish(),
  customer: z
    .looseObject({
      id: z.union([z.number(), z.string()]).nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      email: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
  billing_address: address,
  shipping_address: address,
  line_items: z
    .array(
      z.looseObject({
        id: z.union([z.number(), z.string()]).nullish(),
        sku: z.string().nullish(),
        variant_id: z.union([z.number(), z.string()]).nullish(),
        product_id: z.union([z.number(), z.string()]).nullish(),
        title: z.string().nullish(),
        name: z.string().nullish(),
        quantity: z.number().int().nullish(),
        properties: z.array(nameValue).nullish(),
      }),
    )
    .nullish(),
  total_price: z.union([z.string(), z.number()]).nullish(),
  currency: z.string().nullish(),
  financial_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  cancel_reason: z.string().nullish(),
});

const PAID = new Set(['paid', 'partially_refunded', 'refunded']);

export function mapShopifyOrder(payload: unknown, topic: string, context: ConnectionContext): MappedDelivery {
  const parsed = ShopifyOrderSchema.safeParse(payload);
  if (!parsed.success) throw new UnreadablePayload(`not a Shopify order: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  const o = parsed.data;
  const externalRef = String(o.id);
  const externalUpdatedAt = o.updated_at ?? o.created_at;
  if (!externalUpdatedAt || Number.isNaN(Date.parse(externalUpdatedAt))) throw new UnreadablePayload('a Shopify order without updated_at');
  const defaults = DEFAULT_MAPPINGS.shopify;
  const fields: OrderFields = {
    order: o.note_attributes ?? [],
    items: (o.line_items ?? []).flatMap((line) => line.properties ?? []),
    note: o.note ?? undefined,
  };
  const { mapping } = context;
  const buyerName = personName(o.customer) ?? personName(o.billing_address) ?? o.email ?? o.contact_email ?? undefined;
  const shipping = o.shipping_address;
  const cardMessage = valueOf(fields, mapping.cardMessage ?? defaults.cardMessage);
  const order: IntakeOrderInput = {
    displayRef: o.name ?? undefined,
    channel: 'web',
    buyer: buyerName
      ? {
          name: cut(buyerName, 200),
          ...optional('email', o.customer?.email ?? o.email ?? o.contact_email, (v) => z.email().safeParse(v).success),
          ...optional('phone', o.customer?.phone ?? o.phone ?? o.billing_address?.phone, isPhone),
          ...optional('customerId', o.customer?.id != null ? String(o.customer.id) : undefined),
        }
      : undefined,
    recipient: shipping
      ? {
          ...optional('name', personName(shipping)),
          ...optional('phone', shipping.phone, isPhone),
          addressType: shipping.company ? 'business' : 'residence',
          ...optional('address', addressText(shipping) === undefined ? undefined : { text: addressText(shipping) as string, ...geoOf(shipping) }),
        }
      : undefined,
    items: (o.line_items ?? []).map((line) => ({
      sku: cut(line.sku || String(line.variant_id ?? line.product_id ?? line.id ?? 'item'), 64),
      name: cut(line.name || line.title || 'Item', 200),
      quantity: Math.min(Math.max(line.quantity ?? 1, 1), 999),
    })),
    ...deliveryOf(fields, mapping, defaults, context.timeZone),
    ...(cardMessage ? { cardMessage: cut(cardMessage, CARD_MESSAGE_MAX) } : {}),
    anonymousSender: flagOf(fields, mapping.anonymousSender ?? defaults.anonymousSender),
    doNotContactRecipient: flagOf(fields, mapping.doNotContactRecipient ?? defaults.doNotContactRecipient),
    ...optional('price', moneyOf(o.total_price, o.currency)),
    paid: PAID.has(o.financial_status ?? ''),
    ...optional('note', o.note ? cut(o.note, 1000) : undefined),
    ...(o.cancelled_at || topic === 'orders/cancelled' ? { cancelled: { reason: cut(o.cancel_reason || 'cancelled', 500) } } : {}),
  };
  return { kind: 'order', externalRef, externalUpdatedAt, order: normalized(order) };
}

function personName(p: { name?: string | null; first_name?: string | null; last_name?: string | null } | null | undefined): string | undefined {
  if (!p) return undefined;
  const name = p.name?.trim() || [p.first_name, p.last_name].filter(Boolean).join(' ').trim();
  return name ? cut(name, 200) : undefined;
}

function addressText(a: NonNullable<z.infer<typeof address>>): string | undefined {
  if (!a.address1?.trim()) return undefined;
  const town = [a.zip, a.city].filter(Boolean).join(' ');
  return cut([a.company, a.address1, a.address2, town, a.province, a.country_code].filter((p) => p && p.trim()).join(', '), 500);
}

function geoOf(a: NonNullable<z.infer<typeof address>>): { geo?: { lat: number; lng: number } } {
  return typeof a.latitude === 'number' && typeof a.longitude === 'number' && Math.abs(a.latitude) <= 90 && Math.abs(a.longitude) <= 180
    ? { geo: { lat: a.latitude, lng: a.longitude } }
    : {};
}
