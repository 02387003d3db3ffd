import { parseInboxNotice } from './notifications.channels';

describe('inbox notices', () => {
  it('carries the entry itself, with its time as the store reads it back', () => {
    const entry = {
      audience: 'shop:s1',
      seq: 42,
      eventId: 'e-1',
      eventType: 'OrderAccepted',
      orderId: 'o-1',
      critical: false,
      data: { orderId: 'o-1' },
      occurredAt: '2026-02-14T12:00:00.5+00:00',
    };
    expect(parseInboxNotice(JSON.stringify(entry))).toEqual({ audience: 'shop:s1', seq: 42, entry: { ...entry, occurredAt: '2026-02-14T12:00:00.500Z' } });
  });

  it('names only where to read an entry too large for a NOTIFY; audiences contain colons', () => {
    expect(parseInboxNotice('rider:shop-1:li:17')).toEqual({ audience: 'rider:shop-1:li', seq: 17 });
  });

  it('ignores what it cannot read', () => {
    for (const payload of ['', 'shop:s1', ':3', 'shop:s1:x', '{"audience":"shop:s1"}', '{not json']) expect(parseInboxNotice(payload)).toBeUndefined();
  });
});
