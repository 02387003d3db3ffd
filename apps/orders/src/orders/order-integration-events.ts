import { createEventEncoder, INTAKE_EVENT_CONTRACTS, intakeStream, type IntegrationEvent, ORDER_EVENT_CONTRACTS } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import { orderStream, type OrderEvent } from './domain/order.events';
import { personStream, type Sealed } from '../personal-data/domain/personal-data';
import type { PersonalDataVault } from '../personal-data/personal-data-vault';

/**
 * What of the orders log is published on `orders.events`, in the contracts' shapes
 * (libs/contracts/src/orders.ts, intake.ts). Order events, erasures and held orders from shop
 * systems (intake) go out; slot bookkeeping and pickup attempts stay in.
 * Personal data goes out opened as it reads at publishing time (null once erased); the buyer's
 * contact, the card message and the pickup code never leave the service (the code would reach
 * the rider's app, and the rider must read it off the label).
 */
const encode = createEventEncoder([...ORDER_EVENT_CONTRACTS, ...INTAKE_EVENT_CONTRACTS]);

export async function toIntegrationEvents(batch: readonly StoredEvent[], vault: PersonalDataVault): Promise<IntegrationEvent[]> {
  const published = batch.filter(
    (e) => isOrderStream(e.streamId) || e.streamId.startsWith(intakeStream('')) || (e.streamId.startsWith(personStream('')) && e.type === 'PersonalDataErased'),
  );
  const sealed = published.flatMap((e) => sealedIn(e as unknown as OrderEvent));
  const opened = new Map<Sealed, unknown>();
  const values = await vault.openAll(sealed);
  sealed.forEach((s, i) => opened.set(s, values[i] ?? null));
  return published.map((stored) =>
    encode(
      stored,
      contractData(stored as unknown as OrderEvent, (s) => (s === undefined ? null : opened.get(s))),
    ),
  );
}

function isOrderStream(streamId: string): boolean {
  return streamId.startsWith(orderStream(''));
}

function sealedIn(event: OrderEvent): Sealed[] {
  switch (event.type) {
    case 'OrderPlaced':
    case 'DeliveryAddressCorrected':
      return event.data.recipient ? [event.data.recipient] : [];
    case 'OrderDelivered':
      return event.data.receivedBy ? [event.data.receivedBy] : [];
    default:
      return [];
  }
}

/** The contract's data of a logged event: personal data opened, what never leaves the service left out. */
function contractData(event: OrderEvent, open: (s: Sealed | undefined) => unknown): unknown {
  switch (event.type) {
    case 'OrderPlaced': {
      const { buyer: _buyer, cardMessage: _card, deliverySlot: _slot, pickupCode: _code, recipient, ...rest } = event.data;
      return { ...rest, recipientPersonId: recipient?.personId ?? null, recipient: open(recipient) };
    }
    case 'DeliveryAddressCorrected':
      return { ...event.data, recipientPersonId: event.data.recipient.personId, recipient: open(event.data.recipient) };
    case 'OrderDelivered':
      return { ...event.data, receivedBy: open(event.data.receivedBy) };
    case 'DeliveryWindowChanged':
    case 'DeliveryRescheduled': {
      const { deliverySlot: _slot, ...rest } = event.data;
      return rest;
    }
    default:
      return event.data;
  }
}
