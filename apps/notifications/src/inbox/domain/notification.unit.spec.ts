import { notificationFor } from './notification';

const recipient = { name: 'Alex Recipient', phone: '+31 6 8765 4321', address: { text: 'Lindenlaan 3, Utrecht', notes: 'Blue door' } };
/** An anonymous gift, as an event would carry it if a producer ever put the sender in. */
const placed = {
  type: 'OrderPlaced',
  shopId: 's1',
  data: { orderId: 'o1', shopId: 's1', anonymousSender: true, buyer: { name: 'Sam Sender', phone: '+31 6 1111 2222' }, recipientPersonId: 'p9', recipient },
};
const outForDelivery = { type: 'OutForDelivery', shopId: 's1', data: { orderId: 'o1', shopId: 's1', riderId: 'li', pickedUpAt: '2026-02-14T12:30:00Z' } };
const addressCorrected = {
  type: 'DeliveryAddressCorrected',
  shopId: 's1',
  data: { orderId: 'o1', shopId: 's1', riderId: 'li', recipientPersonId: 'p9', recipient },
};
const carded = {
  type: 'DeliveryCarded',
  shopId: 's1',
  data: { orderId: 'o1', shopId: 's1', riderId: 'li', note: 'Neighbour at no. 5 was rude', cardedAt: '2026-02-14T13:00:00Z' },
};
const flagged = { type: 'OrderExceptionFlagged', shopId: 's1', data: { orderId: 'o1', shopId: 's1', exceptionId: 'x1', kind: 'damaged' } };
const mention = { type: 'MessagePosted', shopId: 's1', data: { orderId: 'o1', text: '@fay the roses?', mentions: ['fay'] } };
const roleMention = {
  type: 'MessagePosted',
  shopId: 's1',
  data: { orderId: 'o1', channel: 'internal', riderId: 'li', text: '@florist the roses?', mentions: [], mentionRefs: [{ kind: 'role', role: 'florist' }] },
};
/** A customer-channel message, as if a producer ever put the sender of an anonymous gift into it. */
const customerMessage = {
  type: 'MessagePosted',
  shopId: 's1',
  data: {
    orderId: 'o1',
    channel: 'customer',
    text: 'Your roses are on their way',
    author: { role: 'staff', subject: 'alice' },
    senderName: 'Sam Sender',
    riderId: 'li',
  },
};

const text = (value: unknown) => JSON.stringify(value);

describe('what each audience reads of an event', () => {
  describe('the customer of the order', () => {
    it('never learns who rides the order', () => {
      const { data } = notificationFor('order:o1', outForDelivery);
      expect(data).toMatchObject({ orderId: 'o1', pickedUpAt: outForDelivery.data.pickedUpAt });
      expect(text(data)).not.toContain('li');
      expect(data).not.toHaveProperty('riderId');
    });

    it('sees the recipient’s name but never their phone or address, nor the rider’s notes', () => {
      expect(notificationFor('order:o1', placed).data).toMatchObject({ recipient: { name: 'Alex Recipient' } });
      expect(text(notificationFor('order:o1', placed).data)).not.toMatch(/8765|Lindenlaan|Blue door|p9/);
      expect(text(notificationFor('order:o1', carded).data)).not.toContain('rude');
    });
  });

  describe('the customer, of their order’s customer channel', () => {
    it('reads the message, never the rider nor who sent the flowers', () => {
      const { data, critical } = notificationFor('order:o1', customerMessage);
      expect(data).toMatchObject({ text: 'Your roses are on their way', author: { role: 'staff', subject: 'alice' } });
      expect(data).not.toHaveProperty('riderId');
      expect(text(data)).not.toContain('Sam Sender');
      expect(critical).toBe(false);
    });
  });

  describe('an anonymous sender', () => {
    it.each(['rider:s1:li', 'florist:s1', 'order:o1', 'person:s1:fay', 'role:s1:florist'])('is never named to %s', (audience) => {
      expect(text(notificationFor(audience, placed).data)).not.toContain('Sam Sender');
    });

    it('is known to the shop that took the order', () => {
      expect(notificationFor('shop:s1', placed).data).toMatchObject({ buyer: { name: 'Sam Sender' } });
    });
  });

  it('gives the rider delivering the recipient’s contact and address', () => {
    expect(notificationFor('rider:s1:li', addressCorrected).data).toMatchObject({ recipient });
  });

  it('gives florists the recipient’s name only', () => {
    const { data } = notificationFor('florist:s1', placed);
    expect(data).toMatchObject({ recipient: { name: 'Alex Recipient' } });
    expect(text(data)).not.toMatch(/8765|Lindenlaan/);
  });

  it('gives staff and operators the event as published', () => {
    expect(notificationFor('shop:s1', addressCorrected).data).toEqual(addressCorrected.data);
    expect(notificationFor('staff:s1', customerMessage).data).toEqual(customerMessage.data);
    expect(notificationFor('operator', carded).data).toEqual(carded.data);
  });

  it('marks exceptions and mentions (of people and of roles) critical, and ordinary progress and messages not', () => {
    expect(notificationFor('shop:s1', flagged).critical).toBe(true);
    expect(notificationFor('rider:s1:li', { ...flagged, data: { ...flagged.data, riderId: 'li' } }).critical).toBe(true);
    expect(notificationFor('shop:s1', { type: 'DeliveryAtRisk', shopId: 's1', data: { orderId: 'o1' } }).critical).toBe(true);
    expect(notificationFor('person:s1:fay', mention).critical).toBe(true);
    expect(notificationFor('shop:s1', mention).critical).toBe(false);
    expect(notificationFor('role:s1:florist', roleMention)).toEqual({ critical: true, data: roleMention.data });
    expect(notificationFor('florist:s1', roleMention).critical).toBe(false);
    expect(notificationFor('staff:s1', customerMessage).critical).toBe(false);
    expect(notificationFor('order:o1', outForDelivery).critical).toBe(false);
  });

  it('never makes anything a customer writes or does critical, whatever it names', () => {
    // As a tracking link's holder could try it: "@staff" in the customer channel, and a person by name.
    const shouted = {
      type: 'MessagePosted',
      shopId: 's1',
      data: {
        orderId: 'o1',
        channel: 'customer',
        text: '@staff @alice URGENT',
        author: { role: 'customer', subject: 'tracking-link:o1' },
        mentions: ['alice'],
        mentionRefs: [
          { kind: 'role', role: 'staff' },
          { kind: 'person', subject: 'alice' },
        ],
      },
    };
    for (const audience of ['role:s1:staff', 'person:s1:alice', 'staff:s1', 'operator']) expect(notificationFor(audience, shouted).critical).toBe(false);
    const editedByCustomer = {
      ...roleMention,
      data: { ...roleMention.data, channel: 'customer' },
      type: 'MessageEdited',
      metadata: { actor: { role: 'customer' } },
    };
    expect(notificationFor('role:s1:florist', editedByCustomer).critical).toBe(false);
    expect(notificationFor('shop:s1', { ...flagged, metadata: { actor: { role: 'customer' } } }).critical).toBe(false);
  });
});
