import { z } from 'zod';
import { createEventDecoder, createEventEncoder, defineEvent, type LoggedEvent } from './integration-event';

const Planted = defineEvent('BulbPlanted', 2, z.object({ bulbId: z.string(), shopId: z.string(), depthCm: z.number().int() }), {
  1: (data) => ({ depthCm: 10, ...(data as object) }),
});
const encode = createEventEncoder([Planted]);
const logged = (type = 'BulbPlanted'): LoggedEvent => ({
  eventId: '0b6f0000-0000-4000-8000-000000000001',
  type,
  streamId: 'bulb-b1',
  streamVersion: 3,
  metadata: { correlationId: 'c1', occurredAt: '2026-02-14T09:00:00.000Z' },
});

describe('building an integration event', () => {
  it('publishes at the contract’s version, in the shop its data names, with the logged event’s ids', () => {
    expect(encode(logged(), { bulbId: 'b1', shopId: 's1', depthCm: 12 })).toEqual({
      eventId: '0b6f0000-0000-4000-8000-000000000001',
      type: 'BulbPlanted',
      schemaVersion: 2,
      streamId: 'bulb-b1',
      streamVersion: 3,
      shopId: 's1',
      data: { bulbId: 'b1', shopId: 's1', depthCm: 12 },
      metadata: { correlationId: 'c1', occurredAt: '2026-02-14T09:00:00.000Z' },
    });
  });

  it('leaves out what the contract does not name', () => {
    expect(encode(logged(), { bulbId: 'b1', shopId: 's1', depthCm: 12, secretNote: 'for the shop only' }).data).toEqual({
      bulbId: 'b1',
      shopId: 's1',
      depthCm: 12,
    });
  });

  it('refuses data that breaks the contract', () => {
    expect(() => encode(logged(), { bulbId: 'b1', shopId: 's1', depthCm: 'deep' })).toThrow();
  });

  it('refuses a type it has no contract for', () => {
    expect(() => encode(logged('BulbWatered'), { bulbId: 'b1', shopId: 's1' })).toThrow('BulbWatered has no integration event contract here');
  });

  it('is read back by the decoder of the same contracts', () => {
    const event = encode(logged(), { bulbId: 'b1', shopId: 's1', depthCm: 12 });
    expect(createEventDecoder([Planted])(JSON.stringify(event))).toEqual({ known: true, type: 'BulbPlanted', data: event.data, event });
  });
});
