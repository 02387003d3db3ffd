import { createEventDecoder, decodeOrderCommand, EXCEPTION_EVENT_CONTRACTS } from '@petalpost/contracts';
import type { StoredEvent } from '@petalpost/event-store';
import { analyticsCsv } from '../projections/exception-reports.queries';
import { toExceptionMessage, toOrderCommand } from './exception-messages';

const ref = { exceptionId: 'x1', orderId: '7d1e0000-0000-4000-8000-000000000001', shopId: 's1' };
const stored = (type: string, data: Record<string, unknown>, streamVersion = 1): StoredEvent => ({
  eventId: `0b6f0000-0000-4000-8000-00000000000${streamVersion}`,
  streamId: 'exception-x1',
  streamVersion,
  globalPosition: streamVersion,
  transactionId: '10',
  type,
  schemaVersion: 1,
  data: { ...ref, ...data },
  metadata: { correlationId: 'c1', occurredAt: '2026-02-14T09:00:00.000Z', actor: { role: 'rider', subject: 'rita', shopId: 's1' } },
  recordedAt: new Date('2026-02-14T09:00:00.000Z'),
});
const reported = (details: Record<string, unknown>) =>
  stored('ExceptionReported', {
    details,
    position: { lat: 52.09, lng: 5.12 },
    riderId: 'rita',
    reportedBy: { role: 'rider', subject: 'rita' },
    reportedAt: '2026-02-14T09:00:00.000Z',
  });
const alice = { role: 'staff', subject: 'alice' };

describe('what the exceptions relay sends', () => {
  it('publishes an exception event keyed by its order, in the contract decoders accept', () => {
    const message = toExceptionMessage(reported({ type: 'vehicle_broken', note: 'Flat tyre' }));
    expect(message.key).toBe(ref.orderId);
    const decoded = createEventDecoder(EXCEPTION_EVENT_CONTRACTS)(JSON.stringify(message.value));
    expect(decoded).toMatchObject({
      known: true,
      type: 'ExceptionReported',
      event: { streamId: 'exception-x1', shopId: 's1', data: { riderId: 'rita', details: { type: 'vehicle_broken' } } },
    });
    expect(message.headers).toMatchObject({ 'event-id': '0b6f0000-0000-4000-8000-000000000001', 'event-type': 'ExceptionReported' });
  });

  it('refuses to publish an event that breaks its contract', () => {
    expect(() => toExceptionMessage(reported({ type: 'bouquet_damaged' }))).toThrow();
  });

  it('flags the order on a report, with the kind and the note (or the text of "other"), under the event id as command id', () => {
    const flag = toOrderCommand(reported({ type: 'running_late', minutesLate: 20, note: 'Bridge closed' }))!;
    expect(flag.key).toBe(ref.orderId);
    expect(decodeOrderCommand(JSON.stringify(flag.value))).toMatchObject({
      commandId: '0b6f0000-0000-4000-8000-000000000001',
      type: 'FlagOrderException',
      orderId: ref.orderId,
      shopId: 's1',
      data: { exceptionId: 'x1', kind: 'running_late', note: 'Bridge closed' },
      metadata: { correlationId: 'c1', causationId: '0b6f0000-0000-4000-8000-000000000001', actor: { role: 'rider', subject: 'rita' } },
    });
    expect(decodeOrderCommand(JSON.stringify(toOrderCommand(reported({ type: 'other', text: 'Gate locked' }))!.value)).data).toEqual({
      exceptionId: 'x1',
      kind: 'other',
      note: 'Gate locked',
    });
    expect(decodeOrderCommand(JSON.stringify(toOrderCommand(reported({ type: 'recipient_absent' }))!.value)).data).toEqual({
      exceptionId: 'x1',
      kind: 'recipient_absent',
    });
  });

  it('clears the flag on a resolution, and sends nothing for acknowledgements and escalations', () => {
    const clear = toOrderCommand(stored('ExceptionResolved', { outcome: 'refunded', resolvedBy: alice, resolvedAt: '2026-02-14T10:00:00.000Z' }, 3))!;
    expect(decodeOrderCommand(JSON.stringify(clear.value))).toMatchObject({ type: 'ClearOrderException', data: { exceptionId: 'x1', resolution: 'refunded' } });
    expect(toOrderCommand(stored('ExceptionAcknowledged', { acknowledgedBy: alice, acknowledgedAt: '2026-02-14T09:01:00.000Z' }, 2))).toBeUndefined();
    expect(
      toOrderCommand(
        stored(
          'ExceptionEscalated',
          { exceptionType: 'other', reportedAt: '2026-02-14T09:00:00.000Z', unacknowledgedSeconds: 300, escalatedAt: '2026-02-14T09:05:00.000Z' },
          2,
        ),
      ),
    ).toBeUndefined();
  });
});

describe('the analytics CSV', () => {
  it('quotes cells that need it and leaves a missing rider empty', () => {
    const empty = { count: 0, p50Seconds: null, p90Seconds: null };
    const csv = analyticsCsv({
      from: 'a',
      to: 'b',
      total: 2,
      byTypeAreaHourRider: [
        { type: 'other', area: 'u178k', hourOfWeek: 3, riderId: 'rita, "the fast"', count: 1 },
        { type: 'other', area: 'u178k', hourOfWeek: 4, riderId: null, count: 1 },
      ],
      repeatedAddressErrors: [],
      delaysByHourOfWeek: [],
      timeToAcknowledge: empty,
      timeToResolve: empty,
    });
    expect(csv).toBe('type,area,hour_of_week,rider_id,count\r\nother,u178k,3,"rita, ""the fast""",1\r\nother,u178k,4,,1\r\n');
  });

  it('neutralises a rider id a spreadsheet would run as a formula, and keeps the counts numbers', () => {
    const empty = { count: 0, p50Seconds: null, p90Seconds: null };
    const csv = analyticsCsv({
      from: 'a',
      to: 'b',
      total: 1,
      byTypeAreaHourRider: [{ type: 'other', area: 'u178k', hourOfWeek: 5, riderId: '=HYPERLINK("http://evil.example","x")', count: 3 }],
      repeatedAddressErrors: [],
      delaysByHourOfWeek: [],
      timeToAcknowledge: empty,
      timeToResolve: empty,
    });
    expect(csv).toBe(`type,area,hour_of_week,rider_id,count\r\nother,u178k,5,"'=HYPERLINK(""http://evil.example"",""x"")",3\r\n`);
  });
});
