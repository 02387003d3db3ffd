import { WritebackFailure } from '../../writeback/writers/shop-status-writer';
import type { PlatformStatus } from '../platform-connector';
import { ELEME_STATUSES, elemeWriteback, isRetryableRefusal } from './eleme-writeback';

const rider = { riderId: 'rider-7', name: '王师傅', phone: '13900001111' };
const at = '2026-02-14T05:30:00.000Z';
const shifted = ({ lat, lng }: { lat: number; lng: number }) => ({ lat: lat + 0.0014, lng: lng + 0.0062 });
const call = (status: PlatformStatus) => elemeWriteback('3035779590075503', status, shifted);
const failure = (act: () => unknown): WritebackFailure | undefined => {
  try {
    act();
  } catch (err) {
    if (err instanceof WritebackFailure) return err;
    throw err;
  }
  return undefined;
};

describe('what Ele.me is told of an order the shop delivers itself', () => {
  it('tells, in order, the confirmation, the order made up, the rider, out, the way and delivered', () => {
    expect(ELEME_STATUSES).toEqual(['confirmed', 'prepared', 'rider_assigned', 'out_for_delivery', 'location', 'delivered']);
  });

  it('confirms the order with order.confirm', () => {
    expect(call({ facts: { status: 'confirmed', happenedAt: at } })).toEqual({ cmd: 'order.confirm', body: { order_id: '3035779590075503' } });
  });

  it('says it is made up with order.pickcomplete', () => {
    expect(call({ facts: { status: 'prepared', happenedAt: at } })).toEqual({ cmd: 'order.pickcomplete', body: { order_id: '3035779590075503' } });
  });

  it.each([
    ['rider_assigned', 3],
    ['out_for_delivery', 20],
    ['delivered', 30],
  ] as const)('tells %s on the self-delivery track with the rider (selfStatus %i)', (status, selfStatus) => {
    expect(call({ facts: { status, happenedAt: at, riderId: 'rider-7' }, rider })).toEqual({
      cmd: 'order.selfDeliveryStateSync',
      body: { order_id: '3035779590075503', distributor_id: 201, selfStatus, knight: { id: 'rider-7', name: '王师傅', phone: '13900001111' } },
    });
  });

  it('sends the position in GCJ-02 with the fix time in Unix seconds', () => {
    expect(
      call({ facts: { status: 'location', happenedAt: '2026-02-14T05:30:12.750Z', riderId: 'rider-7', position: { lat: 39.914266, lng: 116.403988 } } }),
    ).toEqual({
      cmd: 'order.selfDeliveryLocationSync',
      body: { order_id: '3035779590075503', location: { UTC: 1771047012, altitude: 0, latitude: 39.915666, longitude: 116.410188 } },
    });
  });

  it('never uses the other track (order.sendout, order.complete)', () => {
    const cmds = ELEME_STATUSES.map(
      (status) => call({ facts: { status, happenedAt: at, position: status === 'location' ? { lat: 31.2, lng: 121.4 } : undefined }, rider }).cmd,
    );
    expect(cmds).not.toContain('order.sendout');
    expect(cmds).not.toContain('order.complete');
  });

  it('waits for the rider when dispatch has not told us of them yet (retryable)', () => {
    expect(failure(() => call({ facts: { status: 'out_for_delivery', happenedAt: at, riderId: 'rider-7' } }))).toMatchObject({ retryable: true });
  });

  it.each(['carded', 'failed'] as const)('refuses for good to tell %s, which the track has no state for', (status) => {
    expect(failure(() => call({ facts: { status, happenedAt: at }, rider }))).toMatchObject({ retryable: false });
  });
});

describe("which of Ele.me's refusals are retried", () => {
  it.each(['系统繁忙，请稍后重试', '调用频率超限', 'api call limit exceeded', 'service busy', '请求超时'])('retries %p', (error) => {
    expect(isRetryableRefusal({ errno: 1, error, data: null })).toBe(true);
  });

  it.each(['sign error', '订单不存在', '订单状态不允许该操作', 'shop not authorized'])('gives up on %p', (error) => {
    expect(isRetryableRefusal({ errno: 1, error, data: null })).toBe(false);
  });
});
