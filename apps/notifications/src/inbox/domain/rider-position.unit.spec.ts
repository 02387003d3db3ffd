import { deliveryChangeOf, positionAudiences, positionFrameFor } from './rider-position';

const position = { riderId: 'li', shopId: 's1', lat: 52.09, lng: 5.12, heading: 90, recordedAt: '2026-02-14T12:40:00Z' };
const event = (type: string, data: Record<string, unknown> = {}) => ({ type, shopId: 's1', data: { orderId: 'o1', shopId: 's1', ...data } });

describe('who may follow a rider', () => {
  it('lets operators, the rider’s shop and the customers of the orders on the road with that rider follow', () => {
    const onTheRoad = [
      { orderId: 'o1', shopId: 's1', riderId: 'li' },
      { orderId: 'o2', shopId: 's1', riderId: 'mo' },
      { orderId: 'o3', shopId: 's2', riderId: 'li' },
    ];
    expect(positionAudiences(position, onTheRoad)).toEqual(['operator', 'shop:s1', 'order:o1']);
  });

  it('lets no customer follow a rider carrying nothing', () => {
    expect(positionAudiences(position, [])).toEqual(['operator', 'shop:s1']);
  });

  it('shows a customer where their order is, never who carries it', () => {
    const frame = positionFrameFor('order:o1', position);
    expect(frame).toEqual({ type: 'position', audience: 'order:o1', orderId: 'o1', lat: 52.09, lng: 5.12, heading: 90, recordedAt: position.recordedAt });
    expect(positionFrameFor('shop:s1', position)).toMatchObject({ riderId: 'li', shopId: 's1' });
  });
});

describe('which orders are on the road', () => {
  it.each([
    ['OutForDelivery', { riderId: 'li' }, { kind: 'on_the_road', orderId: 'o1', shopId: 's1', riderId: 'li' }],
    ['DeliveryReattempted', { riderId: 'li' }, { kind: 'on_the_road', orderId: 'o1', shopId: 's1', riderId: 'li' }],
    ['DeliveryCarded', { riderId: 'li' }, { kind: 'off_the_road', orderId: 'o1' }],
    ['OrderDelivered', {}, { kind: 'finished', orderId: 'o1' }],
    ['DeliveryFailed', {}, { kind: 'finished', orderId: 'o1' }],
    ['OrderReturned', {}, { kind: 'finished', orderId: 'o1' }],
    ['OrderCancelled', {}, { kind: 'finished', orderId: 'o1' }],
    ['RiderUnassigned', { riderId: 'li' }, { kind: 'finished', orderId: 'o1' }],
    ['ArrangementFinished', {}, undefined],
  ])('%s', (type, data, change) => {
    expect(deliveryChangeOf(event(type, data))).toEqual(change);
  });
});
