import { planReason } from './plan-trigger';

describe('why the plan was made', () => {
  it('tells a plan asked for at the desk', () => {
    expect(planReason('dispatcher:5b1d6c2e-0d7a-4a4e-9a43-1f0f7b7f2c11')).toEqual({ kind: 'asked' });
  });

  it('tells which change to an order made the last plan stale', () => {
    expect(planReason('ArrangementFinished:0f6a1c2d-1111-4222-8333-444455556666')).toEqual({ kind: 'order', change: 'ArrangementFinished' });
    expect(planReason('OrderCancelled:0f6a1c2d-1111-4222-8333-444455556666')).toEqual({ kind: 'order', change: 'OrderCancelled' });
  });

  it('keeps the rider of an availability change or a breakdown, to be named', () => {
    expect(planReason('RiderAvailabilityChanged:929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70')).toEqual({
      kind: 'riderAvailability',
      riderId: '929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70',
    });
    expect(planReason('vehicle_breakdown:929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70')).toEqual({
      kind: 'vehicleBreakdown',
      riderId: '929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70',
    });
  });

  it('says nothing for a trigger it does not know, rather than show its id', () => {
    expect(planReason('SomethingNew:929f0f98-8c1e-4f6a-9d1b-2f3c4d5e6f70')).toBeUndefined();
    expect(planReason('RiderAvailabilityChanged')).toBeUndefined();
    expect(planReason('')).toBeUndefined();
    expect(planReason(null)).toBeUndefined();
  });
});
