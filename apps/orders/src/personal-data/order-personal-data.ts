import { randomUUID } from 'node:crypto';
import type { BuyerContact, RecipientContact } from '@petalpost/contracts';
import type { Order } from '../orders/domain/order.state';
import type { Sealed } from './domain/personal-data';
import { PersonErased, type PersonalDataVault } from './personal-data-vault';

/** Personal data as a reader gets it: the value, or "erased" once the person's key is gone. */
export type Opened<T> = T | 'erased';

export interface OpenedPersonalData {
  buyer?: Opened<BuyerContact>;
  recipient?: Opened<RecipientContact>;
  cardMessage?: Opened<string>;
  receivedBy?: Opened<string>;
}

export interface SealedOrderContacts {
  buyer: Sealed;
  recipient: Sealed;
  cardMessage?: Sealed;
}

/**
 * A new order's personal data, each part under its person's key: the buyer (and the card they
 * wrote) under theirs, the recipient under a new person's. A returning customer is one person
 * across their orders (`<shop>:customer:<id>`), so one erasure forgets them all.
 */
export async function sealNewOrder(
  vault: PersonalDataVault,
  shopId: string,
  contacts: { buyer: BuyerContact; customerId?: string; recipient: RecipientContact; cardMessage?: string },
): Promise<SealedOrderContacts> {
  const buyerPerson = { personId: contacts.customerId !== undefined ? `${shopId}:customer:${contacts.customerId}` : randomUUID(), shopId };
  const [buyer, recipient, cardMessage] = await Promise.all([
    vault.seal(buyerPerson, contacts.buyer),
    vault.seal({ personId: randomUUID(), shopId }, contacts.recipient),
    contacts.cardMessage !== undefined ? vault.seal(buyerPerson, contacts.cardMessage) : undefined,
  ]);
  return { buyer, recipient, ...(cardMessage ? { cardMessage } : {}) };
}

/** Seals under the order's recipient (a new person when that one was erased or never recorded). */
export async function sealForRecipient(vault: PersonalDataVault, order: Order, value: unknown): Promise<Sealed> {
  try {
    return await vault.seal({ personId: order.recipient?.personId ?? randomUUID(), shopId: order.shopId }, value);
  } catch (err) {
    if (!(err instanceof PersonErased)) throw err;
    return vault.seal({ personId: randomUUID(), shopId: order.shopId }, value);
  }
}

/** Everything personal in an order, opened with one key lookup ("erased" where a key is gone). */
export async function openOrder(vault: PersonalDataVault, order: Order): Promise<OpenedPersonalData> {
  const fields = { buyer: order.buyer, recipient: order.recipient, cardMessage: order.cardMessage, receivedBy: order.delivery?.receivedBy };
  const present = Object.entries(fields).filter((entry): entry is [string, Sealed] => entry[1] !== undefined);
  const values = await vault.openAll(present.map(([, sealed]) => sealed));
  return Object.fromEntries(present.map(([field], i) => [field, values[i] ?? 'erased'])) as OpenedPersonalData;
}
