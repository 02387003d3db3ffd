import { isYouzanStatus, youzanLocalDeliveryRequest } from './youzan-writeback';

const rider = { riderId: 'rider-7', name: '王师傅', phone: '13700003333' };

describe('Youzan local-delivery status requests', () => {
  it('tells the rider with every state from assignment on', () => {
    expect(youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'rider_assigned', happenedAt: '2027-02-14T04:50:00.000Z' }, rider })).toEqual({
      order_no: 'E1',
      kdt_id: 91234567,
      delivery_status: 2,
      update_time: Date.parse('2027-02-14T04:50:00.000Z'),
      rider_name: '王师傅',
      rider_phone: '13700003333',
    });
    expect(youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'out_for_delivery', happenedAt: '2027-02-14T05:00:00Z' }, rider })).toMatchObject({
      delivery_status: 3,
    });
    expect(youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'delivered', happenedAt: '2027-02-14T05:30:00Z' }, rider })).toMatchObject({
      delivery_status: 4,
    });
    expect(youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'failed', happenedAt: '2027-02-14T05:30:00Z' } })).toEqual({
      order_no: 'E1',
      kdt_id: 91234567,
      delivery_status: 5,
      update_time: Date.parse('2027-02-14T05:30:00Z'),
    });
  });

  it('sends the rider’s WGS-84 position as the GCJ-02 Youzan’s map shows', () => {
    const request = youzanLocalDeliveryRequest('E1', '91234567', {
      facts: { status: 'location', happenedAt: '2027-02-14T05:10:00Z', position: { lat: 31.230416, lng: 121.473701 } },
      rider,
    });
    expect(request).toMatchObject({ delivery_status: 3, latitude: 31.228474, longitude: 121.478224 });
  });

  it('is not told a card left, nor the shop’s own steps; a position needs a position and a shop id digits', () => {
    expect(isYouzanStatus('carded')).toBe(false);
    expect(isYouzanStatus('confirmed')).toBe(false);
    expect(() => youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'carded', happenedAt: '2027-02-14T05:10:00Z' } })).toThrow(RangeError);
    expect(() => youzanLocalDeliveryRequest('E1', '91234567', { facts: { status: 'location', happenedAt: '2027-02-14T05:10:00Z' } })).toThrow(/position/);
    expect(() => youzanLocalDeliveryRequest('E1', 'shop', { facts: { status: 'delivered', happenedAt: '2027-02-14T05:10:00Z' } })).toThrow(/kdt_id/);
  });
});
