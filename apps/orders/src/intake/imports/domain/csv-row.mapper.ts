import { AddressTypeSchema, CARD_MESSAGE_MAX, type AddressType, type DeliveryWindow, type Money, type OrderItem, type OrderSource } from '@petalpost/contracts';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { IntakeOrderInput } from '../../domain/intake-order';
import type { CsvField, CsvMapping, DateOrder } from './csv-columns';

/** One order as a CSV row describes it, before the intake decides whether it can be placed. */
export interface CsvOrder {
  externalRef: string;
  buyer: { name?: string; phone?: string; email?: string };
  recipient: { name: string; phone?: string; address?: { text: string; notes?: string } };
  addressType?: AddressType;
  items: OrderItem[];
  /** The day in the shop's time zone (yyyy-MM-dd); with the hours, the window. Absent: staff must give it. */
  deliveryDate?: string;
  deliveryWindow?: DeliveryWindow;
  deliverySlot?: string;
  cardMessage?: string;
  anonymousSender: boolean;
  doNotContactRecipient: boolean;
  price?: Money;
  paid: boolean;
  note?: string;
}

/** What is wrong with one cell (or the row), named by the field and the column it came from. */
export interface RowProblem {
  field: CsvField | 'row';
  column?: string;
  message: string;
}

export type MappedRow = { ok: true; order: CsvOrder } | { ok: false; problems: RowProblem[] };

export interface RowContext {
  headers: readonly string[];
  mapping: CsvMapping;
  /** The shop's IANA time zone: a date and hours in a sheet are the shop's local time. */
  timeZone: string;
  dateOrder: DateOrder;
  /** For a price without a currency column. */
  currency?: string;
  /** "09:00-18:00": the window of a row with a date and no hours. */
  defaultHours?: string;
}

const DATE_FORMATS: Record<DateOrder, string[]> = {
  ymd: ['yyyy-MM-dd', 'yyyy-M-d', 'yyyy/M/d', 'yyyy.M.d', "yyyy'年'M'月'd'日'"],
  dmy: ['d/M/yyyy', 'd-M-yyyy', 'd.M.yyyy', 'd/M/yy'],
  mdy: ['M/d/yyyy', 'M-d-yyyy', 'M/d/yy'],
};
const TIME_FORMATS = ['H:mm', 'HH:mm', 'H.mm', 'h:mm a', 'h:mma', 'h a', 'ha', 'H'];
const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'x', '是', '对', '已付', '已付款', 'paid']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', '否', '不', '未付', '未付款', 'unpaid']);
const email = z.email();

/**
 * One CSV row → the order it describes, or every problem with it at once (so a sheet is fixed in
 * one go). Missing delivery date or address is no problem here: the intake holds such an order
 * for staff ("needs attention"); a value that is there but cannot be read is.
 */
export function mapCsvRow(cells: readonly string[], context: RowContext): MappedRow {
  const problems: RowProblem[] = [];
  if (cells.length !== context.headers.length) {
    return { ok: false, problems: [{ field: 'row', message: `the row has ${cells.length} cells, the header ${context.headers.length}` }] };
  }
  const columnOf = (field: CsvField) => context.mapping[field];
  const cell = (field: CsvField): string | undefined => {
    const column = columnOf(field);
    if (column === undefined) return undefined;
    const value = cells[context.headers.indexOf(column)]?.trim();
    return value ? value : undefined;
  };
  const problem = (field: CsvField, message: string) => problems.push({ field, column: columnOf(field), message });
  const text = (field: CsvField, max: number, min = 1): string | undefined => {
    const value = cell(field);
    if (value === undefined) return undefined;
    if (value.length < min || value.length > max) problem(field, `must be ${min} to ${max} characters, is ${value.length}`);
    return value;
  };
  const flag = (field: CsvField): boolean => {
    const value = cell(field)?.toLowerCase();
    if (value === undefined) return false;
    if (TRUE_WORDS.has(value)) return true;
    if (!FALSE_WORDS.has(value)) problem(field, `"${value}" is neither yes nor no`);
    return false;
  };

  const externalRef = text('externalRef', 100);
  if (externalRef === undefined) problem('externalRef', 'the order number is empty');
  const recipientName = text('recipientName', 200);
  if (recipientName === undefined) problem('recipientName', 'the recipient’s name is empty');
  const buyerEmail = text('buyerEmail', 254);
  if (buyerEmail !== undefined && !email.safeParse(buyerEmail).success) problem('buyerEmail', 'is not an e-mail address'); // the value stays out of the report: it is personal data
  const addressText = text('address', 500);
  const addressNotes = text('addressNotes', 500);
  const addressTypeCell = cell('addressType');
  const addressType = addressTypeCell === undefined ? undefined : AddressTypeSchema.safeParse(addressTypeCell.toLowerCase().replace(/[\s-]/g, '_'));
  if (addressType && !addressType.success) problem('addressType', `"${addressTypeCell}" is not one of ${AddressTypeSchema.options.join(', ')}`);

  const items = itemsOf(cell, problem);
  const delivery = deliveryOf(cell, problem, context);
  const price = priceOf(cell, problem, context.currency);

  const order: CsvOrder = {
    externalRef: externalRef ?? '',
    buyer: definedOnly({ name: text('buyerName', 200), phone: text('buyerPhone', 40, 3), email: buyerEmail }),
    recipient: definedOnly({
      name: recipientName ?? '',
      phone: text('recipientPhone', 40, 3),
      address: addressText === undefined ? undefined : definedOnly({ text: addressText, notes: addressNotes }),
    }),
    addressType: addressType?.success ? addressType.data : undefined,
    items,
    ...delivery,
    deliverySlot: text('deliverySlot', 100),
    cardMessage: text('cardMessage', CARD_MESSAGE_MAX),
    anonymousSender: flag('anonymous'),
    doNotContactRecipient: flag('doNotContact'),
    price,
    paid: flag('paid'),
    note: text('note', 1000),
  };
  return problems.length ? { ok: false, problems } : { ok: true, order: definedOnly(order) };
}

/**
 * The row as the intake takes every channel's orders. A date without hours stays in deliveryText,
 * so staff see the day the sheet said when they give the window.
 */
export function intakeOrderOf(order: CsvOrder, channel: OrderSource): IntakeOrderInput {
  const { buyer, recipient } = order;
  return definedOnly({
    channel,
    buyer: buyer.name === undefined ? undefined : definedOnly({ name: buyer.name, phone: buyer.phone, email: buyer.email }),
    recipient: definedOnly({ ...recipient, addressType: order.addressType }),
    items: order.items,
    deliveryWindow: order.deliveryWindow,
    deliveryText: order.deliveryWindow ? undefined : order.deliveryDate,
    cardMessage: order.cardMessage,
    anonymousSender: order.anonymousSender,
    doNotContactRecipient: order.doNotContactRecipient,
    price: order.price,
    paid: order.paid,
    note: order.note,
  });
}

/** The problems as one line for a report: "deliveryDate (Date): …; price (Total): …". */
export function problemsText(problems: readonly RowProblem[]): string {
  return problems.map((p) => `${p.field}${p.column ? ` (${p.column})` : ''}: ${p.message}`).join('; ');
}

type Cell = (field: CsvField) => string | undefined;
type Problem = (field: CsvField, message: string) => void;

/** "2 x Red roses; Vase [VASE-1]" in one column, or one product (with its sku and quantity) per row. */
function itemsOf(cell: Cell, problem: Problem): OrderItem[] {
  const list = cell('items');
  const product = cell('product');
  const items: OrderItem[] = [];
  if (list !== undefined) {
    for (const part of list
      .split(/[;\n；]/)
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^(?:(\d+)\s*[x×*]\s*)?(.+?)(?:\s*\[([^\]]+)\])?$/i.exec(part);
      const quantity = Number(match?.[1] ?? 1);
      const name = match?.[2]?.trim() ?? part;
      items.push({ sku: match?.[3]?.trim() ?? skuFrom(name), name, quantity });
    }
  } else if (product !== undefined) {
    const quantityCell = cell('quantity');
    const quantity = quantityCell === undefined ? 1 : Number(quantityCell);
    items.push({ sku: cell('sku') ?? skuFrom(product), name: product, quantity });
  }
  if (items.length === 0) problem(list !== undefined || product === undefined ? 'items' : 'product', 'the order has no items');
  if (items.length > 50) problem('items', `at most 50 items, the row has ${items.length}`);
  for (const item of items) {
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 999)
      problem(list ? 'items' : 'quantity', `"${item.name}": quantity must be 1 to 999`);
    if (item.name.length > 200) problem(list ? 'items' : 'product', `"${item.name.slice(0, 20)}…": a name is at most 200 characters`);
    if (item.sku.length > 64) problem(list ? 'items' : 'sku', `"${item.sku.slice(0, 20)}…": a sku is at most 64 characters`);
  }
  return items;
}

/** Items without a code get one from their name, so the same product imports as the same sku. */
function skuFrom(name: string): string {
  const code = name
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 64);
  return code || 'ITEM';
}

function deliveryOf(cell: Cell, problem: Problem, context: RowContext): Pick<CsvOrder, 'deliveryDate' | 'deliveryWindow'> {
  const dateCell = cell('deliveryDate');
  const timeCell = cell('deliveryTime');
  const fromCell = cell('deliveryFrom');
  const toCell = cell('deliveryTo');
  if (dateCell === undefined) {
    if (timeCell !== undefined || fromCell !== undefined) problem('deliveryDate', 'hours without a date');
    return {};
  }
  const date = parseDate(dateCell, context);
  if (!date) {
    const example = { ymd: '2027-02-14', dmy: '14/02/2027', mdy: '02/14/2027' }[context.dateOrder];
    problem('deliveryDate', `"${dateCell}" is not a date written like ${example}`);
    return {};
  }
  const deliveryDate = date.toISODate() ?? undefined;
  let hours: [string, string] | undefined;
  if (timeCell !== undefined) {
    const range = timeCell.split(/\s*(?:-|–|—|~|～|to|至|到)\s*/i);
    if (range.length !== 2) {
      problem('deliveryTime', `"${timeCell}" is not a range of hours such as 13:00-15:00`);
      return { deliveryDate };
    }
    hours = [range[0], range[1]];
  } else if (fromCell !== undefined && toCell !== undefined) {
    hours = [fromCell, toCell];
  } else if (fromCell !== undefined || toCell !== undefined) {
    problem(fromCell === undefined ? 'deliveryFrom' : 'deliveryTo', 'a window needs its start and its end');
    return { deliveryDate };
  } else if (context.defaultHours !== undefined) {
    const [from, to] = context.defaultHours.split('-').map((h) => h.trim());
    hours = [from, to];
  }
  if (!hours) return { deliveryDate };
  const [from, to] = hours.map((h) => atTime(date, h, context.timeZone));
  const timeField: CsvField = timeCell !== undefined ? 'deliveryTime' : 'deliveryFrom';
  if (!from || !to) {
    problem(timeField, `"${hours.join(' - ')}" are not hours such as 13:00 or 1:00 PM`);
    return { deliveryDate };
  }
  if (to <= from) {
    problem(timeField, `the window ${hours.join(' - ')} ends before it starts`);
    return { deliveryDate };
  }
  // Valid DateTimes (checked in atTime) always have an ISO form.
  return { deliveryDate, deliveryWindow: { from: from.toISO() ?? '', to: to.toISO() ?? '', timeZone: context.timeZone } };
}

function parseDate(value: string, context: RowContext): DateTime | undefined {
  for (const format of DATE_FORMATS[context.dateOrder]) {
    const parsed = DateTime.fromFormat(value, format, { zone: context.timeZone, locale: 'en' });
    if (parsed.isValid) return parsed.startOf('day');
  }
  return undefined;
}

/** The hour on that day in the shop's zone, with its offset that day (summer time included). */
function atTime(date: DateTime, value: string, timeZone: string): DateTime | undefined {
  const compact = value.trim().toUpperCase().replace(/\s+/g, ' ').replace('上午', 'AM').replace('下午', 'PM');
  for (const format of TIME_FORMATS) {
    const time = DateTime.fromFormat(compact, format, { zone: timeZone, locale: 'en' });
    if (time.isValid) {
      const at = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour: time.hour, minute: time.minute }, { zone: timeZone });
      return at.isValid ? at : undefined;
    }
  }
  return undefined;
}

/** "49.50", "€ 49,50" or "1.234,50": the last separator followed by one or two digits is the decimal one. */
function priceOf(cell: Cell, problem: Problem, fallbackCurrency: string | undefined): Money | undefined {
  const value = cell('price');
  if (value === undefined) return undefined;
  const currency = cell('currency')?.toUpperCase() ?? fallbackCurrency;
  if (!currency || !/^[A-Z]{3}$/.test(currency)) {
    problem(
      cell('currency') ? 'currency' : 'price',
      currency ? `"${currency}" is not a currency code such as EUR` : 'a price needs a currency (a column, or one for the whole import)',
    );
    return undefined;
  }
  const digits = value.replace(/[^\d.,-]/g, '');
  const decimal = /[.,](\d{1,2})$/.exec(digits);
  const whole = (decimal ? digits.slice(0, decimal.index) : digits).replace(/[.,]/g, '');
  const amount = Number(`${whole || '0'}.${decimal?.[1] ?? '0'}`);
  if (!/\d/.test(digits) || !Number.isFinite(amount) || amount < 0) {
    problem('price', `"${value}" is not an amount`);
    return undefined;
  }
  const minorDigits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const amountMinor = Math.round(amount * 10 ** minorDigits);
  if (amountMinor > 100_000_000) {
    problem('price', `"${value}" is more than any order costs`);
    return undefined;
  }
  return { amountMinor, currency };
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
