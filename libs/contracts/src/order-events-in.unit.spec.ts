import { PoisonMessageError, type IntegrationEvent } from './integration-event';
import type { OrderLifecycleEvent } from './order-lifecycle';
import { onOrderEvent } from './order-events-in';

const envelope = (type: string, data: unknown) => ({
  eventId: '0b6f0000-0000-4000-8000-000000000002',
  type,
  schemaVersion: 1,
  streamId: 'order-o1',
  streamVersion: 4,
  shopId: 's1',
  data,
  metadata: { correlationId: 'c1', occurredAt: '2026-02-14T09:00:00.000Z' },
});
const message = (value: unknown) => ({ value: Buffer.from(JSON.stringify(value)) });

function recorder() {
  const seen: { event: OrderLifecycleEvent; envelope: IntegrationEvent; extra: string }[] = [];
  const handle = onOrderEvent(async (event, envelope, extra: string) => {
    seen.push({ event, envelope, extra });
  });
  return { seen, handle };
}

describe('handling an orders.events message', () => {
  it('hands the handler the typed event at its place in the stream, the envelope and what the host passed', async () => {
    const { seen, handle } = recorder();
    await handle(message(envelope('OrderAccepted', { orderId: 'o1', shopId: 's1', acceptedAt: '2026-02-14T09:01:00.000Z' })), 'tx');
    expect(seen).toEqual([
      {
        event: { type: 'OrderAccepted', data: { orderId: 'o1', shopId: 's1', acceptedAt: '2026-02-14T09:01:00.000Z' }, streamVersion: 4 },
        envelope: expect.objectContaining({ eventId: '0b6f0000-0000-4000-8000-000000000002', metadata: expect.objectContaining({ correlationId: 'c1' }) }),
        extra: 'tx',
      },
    ]);
  });

  it('skips an event type it does not know, since producers may be newer', async () => {
    const { seen, handle } = recorder();
    await handle(message(envelope('OrderGiftWrapped', { orderId: 'o1' })), 'tx');
    expect(seen).toEqual([]);
  });

  it('refuses a known type whose data breaks its contract as poison, without calling the handler', async () => {
    const { seen, handle } = recorder();
    await expect(handle(message(envelope('OrderAccepted', { orderId: 'o1' })), 'tx')).rejects.toBeInstanceOf(PoisonMessageError);
    expect(seen).toEqual([]);
  });
});
