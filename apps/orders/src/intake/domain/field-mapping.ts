import type { DeliveryWindow } from '@petalpost/contracts';
import { z } from 'zod';
import { type DayWindow, parseLocalDate, parseTimeRange, windowOn } from './delivery-time';

/**
 * Where a shop's delivery-date app puts the delivery date, time slot and card message. Neither
 * Shopify nor WooCommerce has fields for them; each app picks its own names, and some are the
 * merchant's own (translated) labels, so each connection carries a mapping, with defaults for the
 * popular apps (below). A reference names a field of the order (Shopify `note_attributes`,
 * WooCommerce `meta_data`), of a line item (Shopify line-item `properties`, WooCommerce item
 * `meta_data`), or the order's note. Names are matched without regard to case; the first
 * reference that has a value wins.
 */
export const FieldRefSchema = z.strictObject({
  from: z.enum(['order', 'item', 'note']).describe('order: note attribute / order meta; item: line-item property / item meta; note: the order note'),
  name: z.string().min(1).max(100).optional().describe('The attribute, property or meta key (not for note)'),
});
export type FieldRef = z.infer<typeof FieldRefSchema>;

const refs = z.array(FieldRefSchema).max(20);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const FieldMappingSchema = z.strictObject({
  deliveryDate: refs.optional().describe('Where the delivery date is (default: the popular apps, see docs/intake.md)'),
  deliveryTime: refs.optional().describe('Where the time slot is, e.g. "13:00 - 14:00"'),
  cardMessage: refs.optional(),
  anonymousSender: refs.optional().describe('A field whose value yes/true/1 means: never name the sender'),
  doNotContactRecipient: refs.optional().describe('A field whose value yes/true/1 means: a surprise, do not contact the recipient'),
  dayFirst: z.boolean().optional().describe('Read 03/04/2026 as 3 April (default true; false for US shops)'),
  defaultWindow: z
    .strictObject({ from: clock, to: clock })
    .refine((w) => w.from < w.to, 'must end after it starts')
    .optional()
    .describe('The window of an order that has a date but no time slot (default 09:00–18:00)'),
});
export type FieldMapping = z.infer<typeof FieldMappingSchema>;

const order = (...names: string[]): FieldRef[] => names.map((name) => ({ from: 'order', name }));
const item = (...names: string[]): FieldRef[] => names.map((name) => ({ from: 'item', name }));

/** The defaults for the apps florists use most (field names from each vendor's docs; docs/intake.md). */
export const DEFAULT_MAPPINGS = {
  shopify: {
    // Zapiet – Pickup + Delivery: note attributes Delivery-Date / Delivery-Time, or the `_ZapietId` line-item property.
    deliveryDate: [...order('Delivery-Date', 'Delivery Date', 'delivery_date', 'Pickup-Date', 'Shipping-Date'), ...item('_ZapietId')],
    deliveryTime: order('Delivery-Time', 'Delivery Time', 'delivery_time', 'Pickup-Time'),
    // Giftnote writes one message per order; themes often ask for the card on the product page.
    cardMessage: [...order('giftnote_message', 'Card message', 'Gift message'), ...item('Card message', 'Gift message', 'Message')],
    anonymousSender: [...order('Anonymous'), ...item('Anonymous')],
    doNotContactRecipient: order('Surprise', 'Do not contact recipient'),
  },
  woocommerce: {
    // Order Delivery Date (Tyche): the timestamp first, then its default labels; WooCommerce Order Delivery (Themesquad).
    deliveryDate: order('_orddd_lite_timestamp', '_orddd_timestamp', '_delivery_date', 'Delivery Date'),
    deliveryTime: order('_orddd_time_slot', 'Time Slot', '_delivery_time_frame'),
    cardMessage: [...item('Card message', 'Gift message', 'Message'), ...order('Card message', 'Gift message', '_gift_message')],
    anonymousSender: [...order('Anonymous'), ...item('Anonymous')],
    doNotContactRecipient: order('Surprise', 'Do not contact recipient'),
  },
} as const satisfies Record<
  string,
  Required<Pick<FieldMapping, 'deliveryDate' | 'deliveryTime' | 'cardMessage' | 'anonymousSender' | 'doNotContactRecipient'>>
>;

/** What a mapper needs of the connection a delivery came through. */
export interface ConnectionContext {
  mapping: FieldMapping;
  /** The shop's time zone: delivery dates and times are the shop's local ones. */
  timeZone: string;
}

const DEFAULT_WINDOW: DayWindow = { from: '09:00', to: '18:00' };

/** The fields an order offers to a mapping, whatever its platform. */
export interface OrderFields {
  order: ReadonlyArray<{ name: string; value?: unknown }>;
  items: ReadonlyArray<{ name: string; value?: unknown }>;
  note?: string;
}

/** The first value the references find, as text (a WooCommerce time frame `{time_from, time_to}` as "from - to"). */
export function valueOf(fields: OrderFields, references: readonly FieldRef[]): string | undefined {
  for (const ref of references) {
    if (ref.from === 'note') {
      if (fields.note?.trim()) return fields.note.trim();
      continue;
    }
    const wanted = ref.name?.toLowerCase();
    const found = (ref.from === 'order' ? fields.order : fields.items).find((f) => f.name.toLowerCase() === wanted && textOf(f.value) !== undefined);
    if (found) return textOf(found.value);
  }
  return undefined;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object' && value !== null) {
    const frame = value as { time_from?: unknown; time_to?: unknown };
    if (typeof frame.time_from === 'string' && typeof frame.time_to === 'string') return `${frame.time_from} - ${frame.time_to}`;
  }
  return undefined;
}

/** Zapiet's `_ZapietId` is a query string: M=D&L=123&D=2021-05-13T12:00:00Z — the date is its D. */
function dateTextOf(raw: string): string {
  if (/(^|&)D=/.test(raw) && raw.includes('=')) return new URLSearchParams(raw).get('D') ?? raw;
  return raw;
}

/**
 * The delivery window a mapping finds, in the shop's time zone, and the raw text it read (kept for
 * staff: a held order shows what the shop system said). A date without a time gets the default
 * window; a date that does not read gives no window (the order is held).
 */
export function deliveryOf(
  fields: OrderFields,
  mapping: FieldMapping,
  defaults: Pick<FieldMapping, 'deliveryDate' | 'deliveryTime'>,
  timeZone: string,
): { deliveryWindow?: DeliveryWindow; deliveryText?: string } {
  const dateRaw = valueOf(fields, mapping.deliveryDate ?? defaults.deliveryDate ?? []);
  const timeRaw = valueOf(fields, mapping.deliveryTime ?? defaults.deliveryTime ?? []);
  const deliveryText = [dateRaw, timeRaw].filter(Boolean).join(' ').slice(0, 200) || undefined;
  const date = dateRaw === undefined ? undefined : parseDeliveryDate(dateTextOf(dateRaw), timeZone, mapping.dayFirst ?? true);
  if (date === undefined) return deliveryText ? { deliveryText } : {};
  const time = (timeRaw ? parseTimeRange(timeRaw) : undefined) ?? mapping.defaultWindow ?? DEFAULT_WINDOW;
  return { deliveryWindow: windowOn(date, time, timeZone), ...(deliveryText ? { deliveryText } : {}) };
}

/**
 * WordPress runs PHP in UTC, so a plug-in's date stored as a timestamp is that date's UTC midnight:
 * read such a timestamp as a UTC date (in a zone west of UTC it would otherwise be the day before).
 */
function parseDeliveryDate(text: string, timeZone: string, dayFirst: boolean): string | undefined {
  if (/^\d{9,11}$/.test(text.trim()) && Number(text) % 86_400 === 0) return parseLocalDate(text, 'UTC', dayFirst);
  return parseLocalDate(text, timeZone, dayFirst);
}

const TRUTHY = new Set(['yes', 'y', 'true', '1', 'on', 'ja', 'oui', 'sí', 'si', '是']);

export function flagOf(fields: OrderFields, references: readonly FieldRef[]): boolean {
  const value = valueOf(fields, references);
  return value !== undefined && TRUTHY.has(value.toLowerCase());
}
