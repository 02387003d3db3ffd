import { relayedOrderCommand } from './relayed-command';
import type { StoredEvent } from './stored-event';

const decided = (traceparent?: string): StoredEvent => ({
  eventId: '6f1c2b8e-3d4a-4e5f-9a0b-1c2d3e4f5a6b',
  streamId: 'assignment-o1',
  streamVersion: 1,
  globalPosition: 7,
  transactionId: '42',
  type: 'AssignmentDecided',
  schemaVersion: 1,
  data: {},
  metadata: { correlationId: 'c1', occurredAt: '2026-02-14T10:00:00.000Z', ...(traceparent ? { traceparent } : {}) },
  recordedAt: new Date('2026-02-14T10:00:00.000Z'),
});

describe('a command relayed to orders because an event committed', () => {
  it('carries the event’s trace in its traceparent header, as well as in its metadata', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const message = relayedOrderCommand(decided(traceparent), { orderId: 'o1', shopId: 's1' }, 'dispatch', 'AssignRider', { riderId: 'r1' });
    expect(message.headers).toMatchObject({ traceparent });
    expect(message.value).toMatchObject({ metadata: { traceparent } });
  });

  it('has no traceparent header when the event had no trace', () => {
    const message = relayedOrderCommand(decided(), { orderId: 'o1', shopId: 's1' }, 'dispatch', 'AssignRider', { riderId: 'r1' });
    expect(message.headers).not.toHaveProperty('traceparent');
  });
});
