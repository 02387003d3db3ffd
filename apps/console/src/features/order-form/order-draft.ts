import type { OrdersPaths } from '@petalpost/api-clients';
import type { ApiError } from '../../api';
import { shopInstant } from '../../shop-clock';

export type PlaceOrderBody = OrdersPaths['/orders']['post']['requestBody']['content']['application/json'];
export type OrderType = NonNullable<PlaceOrderBody['orderType']>;
export type OrderSource = NonNullable<PlaceOrderBody['source']>;
export type AddressType = NonNullable<PlaceOrderBody['recipient']['addressType']>;

export const ORDER_TYPES: OrderType[] = ['gift', 'sympathy', 'corporate', 'event'];
export const ORDER_SOURCES: OrderSource[] = ['phone', 'walk_in', 'web', 'shop_system', 'marketplace'];
export const ADDRESS_TYPES: AddressType[] = ['residence', 'business', 'hospital', 'school', 'funeral_home'];

/** The API wants a SKU on every item; a bouquet made to the caller's wishes has none of the catalogue's. */
export const MADE_TO_ORDER_SKU = 'CUSTOM';

export interface ItemDraft {
  key: string;
  name: string;
  quantity: string;
  sku: string;
}

/** What the form holds, as typed: strings until sent, so nothing typed is lost to a parse. */
export interface OrderDraft {
  reference: string;
  source: OrderSource;
  orderType: OrderType;
  buyerName: string;
  buyerPhone: string;
  buyerEmail: string;
  recipientName: string;
  recipientPhone: string;
  doNotContactRecipient: boolean;
  addressType: AddressType;
  addressText: string;
  ward: string;
  room: string;
  notes: string;
  lat: string;
  lng: string;
  /** The shop's wall-clock start and end, YYYY-MM-DDTHH:MM, from a slot or typed. */
  windowFrom: string;
  windowTo: string;
  /** The shop's wall clock, YYYY-MM-DDTHH:MM, or empty. */
  deadline: string;
  cardMessage: string;
  anonymousSender: boolean;
  items: ItemDraft[];
  price: string;
  currency: string;
  paid: boolean;
}

export const emptyItem = (key: string): ItemDraft => ({ key, name: '', quantity: '1', sku: '' });

export function emptyDraft(currency: string): OrderDraft {
  return {
    reference: '',
    source: 'phone',
    orderType: 'gift',
    buyerName: '',
    buyerPhone: '',
    buyerEmail: '',
    recipientName: '',
    recipientPhone: '',
    doNotContactRecipient: false,
    addressType: 'residence',
    addressText: '',
    ward: '',
    room: '',
    notes: '',
    lat: '',
    lng: '',
    windowFrom: '',
    windowTo: '',
    deadline: '',
    cardMessage: '',
    anonymousSender: false,
    items: [emptyItem('item-1')],
    price: '',
    currency,
    paid: false,
  };
}

/** A map point when both coordinates are given; half a point is sent as typed, for the API to refuse. */
export function pointOf(draft: Pick<OrderDraft, 'lat' | 'lng'>): { lat: number; lng: number } | undefined {
  if (draft.lat.trim() === '' && draft.lng.trim() === '') return undefined;
  return { lat: coordinate(draft.lat), lng: coordinate(draft.lng) };
}

// An unreadable number becomes null in JSON, which the API names as the field's problem.
const coordinate = (typed: string) => (typed.trim() === '' ? Number.NaN : Number(typed.trim()));

const optional = (typed: string) => (typed.trim() === '' ? undefined : typed.trim());

/** An amount in major units ("49.5") in the currency's minor units (4950), as Intl knows the currency. */
export function minorUnits(amount: string, currency: string): number {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code: the API refuses it by name.
  }
  return Math.round(Number(amount.trim().replace(',', '.')) * 10 ** digits);
}

/**
 * The POST /orders body. Required fields go as typed, even empty, so that the API names what is
 * missing next to the field; optional ones are left out when empty.
 */
export function placeOrderBody(draft: OrderDraft, timeZone: string): PlaceOrderBody {
  const geo = pointOf(draft);
  const wallClock = (value: string) => {
    try {
      return shopInstant(value, timeZone);
    } catch {
      return value;
    }
  };
  return {
    ...(optional(draft.reference) ? { reference: draft.reference.trim() } : {}),
    source: draft.source,
    orderType: draft.orderType,
    items: draft.items.map((item) => ({
      sku: optional(item.sku) ?? MADE_TO_ORDER_SKU,
      name: item.name.trim(),
      quantity: Number(item.quantity),
    })),
    deliveryWindow: { from: wallClock(draft.windowFrom), to: wallClock(draft.windowTo), timeZone },
    ...(optional(draft.deadline) ? { deadline: wallClock(draft.deadline) } : {}),
    buyer: {
      name: draft.buyerName.trim(),
      ...(optional(draft.buyerPhone) ? { phone: draft.buyerPhone.trim() } : {}),
      ...(optional(draft.buyerEmail) ? { email: draft.buyerEmail.trim() } : {}),
    },
    recipient: {
      name: draft.recipientName.trim(),
      ...(optional(draft.recipientPhone) ? { phone: draft.recipientPhone.trim() } : {}),
      addressType: draft.addressType,
      address: {
        text: draft.addressText.trim(),
        ...(geo ? { geo } : {}),
        ...(optional(draft.ward) ? { ward: draft.ward.trim() } : {}),
        ...(optional(draft.room) ? { room: draft.room.trim() } : {}),
        ...(optional(draft.notes) ? { notes: draft.notes.trim() } : {}),
      },
    },
    anonymousSender: draft.anonymousSender,
    doNotContactRecipient: draft.doNotContactRecipient,
    ...(optional(draft.cardMessage) ? { cardMessage: draft.cardMessage.trim() } : {}),
    ...(optional(draft.price) ? { price: { amountMinor: minorUnits(draft.price, draft.currency.trim()), currency: draft.currency.trim() } } : {}),
    paid: draft.paid,
  };
}

/** Where a refusal is shown: the form's field names, and "form" for what belongs to no field. */
export type FieldErrors = Record<string, string[]>;

// A few paths are shown on the control that gathers them (a window's two ends, a point's two coordinates).
const GATHERED: Array<[RegExp, string]> = [
  [/^deliveryWindow(\.|$)/, 'deliveryWindow'],
  [/^recipient\.address\.geo(\.|$)/, 'recipient.address.geo'],
  [/^price(\.|$)/, 'price'],
  [/^items$/, 'items'],
];

// Refusals of the decider that concern one field of the form.
const FIELD_OF_CODE: Record<string, string> = {
  WINDOW_IN_THE_PAST: 'deliveryWindow',
  WINDOW_AFTER_DEADLINE: 'deliveryWindow',
  SLOT_FULL: 'deliveryWindow',
};

/** Each problem the API named, by the form's field (e.g. "buyer.name", "items.0.quantity"). */
export function fieldErrorsOf(error: Pick<ApiError, 'status' | 'code' | 'message' | 'details'>): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const issues = (error.details?.['issues'] as Array<{ path?: string; message?: string }> | undefined) ?? [];
  if (error.status === 400 && issues.length > 0) {
    for (const issue of issues) {
      const path = issue.path ?? '';
      const field = GATHERED.find(([pattern]) => pattern.test(path))?.[1] ?? (path || 'form');
      add(field, issue.message ?? error.message);
    }
    return errors;
  }
  add(FIELD_OF_CODE[error.code] ?? 'form', error.message);
  return errors;
}
