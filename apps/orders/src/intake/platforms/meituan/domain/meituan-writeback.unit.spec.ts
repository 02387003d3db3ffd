import type { PlatformStatus } from '../../platform-connector';
import { answerOf, mainlandMobile, meituanCallFor, MeituanWriteRefused, needsStandInPosition, shopPinOf, withLongIntegersAsText } from './meituan-writeback';

const ORDER = '27061900338318741';
const rider = { riderId: 'rider-7', name: '王师傅', phone: '+86 138 0013 8000' };
const shopPin = { lat: 39.99, lng: 116.48 };
const at = '2027-02-14T05:30:00.000Z';
const status = (facts: PlatformStatus['facts'], withRider = true): PlatformStatus => ({ facts, ...(withRider ? { rider } : {}) });

describe('what Meituan is told', () => {
  it('confirms the order (接单) and says it is picked (拣货完成) by order id', () => {
    expect(meituanCallFor(ORDER, status({ status: 'confirmed', happenedAt: at }, false))).toEqual({
      path: 'order/confirm',
      method: 'GET',
      params: { order_id: ORDER },
    });
    expect(meituanCallFor(ORDER, status({ status: 'prepared', happenedAt: at }, false))).toEqual({
      path: 'order/preparationMealComplete',
      method: 'GET',
      params: { order_id: ORDER },
    });
  });

  it('syncs the shop’s own rider with provider code 10015 and the status codes Meituan shows the buyer', () => {
    const codes = (['rider_assigned', 'out_for_delivery', 'delivered', 'failed'] as const).map(
      (s) => meituanCallFor(ORDER, status({ status: s, happenedAt: at, riderId: 'rider-7' }), shopPin).params.logistics_status,
    );
    expect(codes).toEqual(['10', '20', '40', '100']);
    expect(meituanCallFor(ORDER, status({ status: 'rider_assigned', happenedAt: at }), shopPin)).toEqual({
      path: 'ecommerce/order/logistics/sync',
      method: 'POST',
      params: {
        order_id: ORDER,
        third_carrier_order_id: ORDER,
        courier_name: '王师傅',
        courier_phone: '13800138000',
        logistics_provider_code: '10015',
        logistics_status: '10',
        latitude: '39.990000',
        longitude: '116.480000',
      },
    });
  });

  it('sends the rider’s position as GCJ-02 with six decimals, on the way (status 20)', () => {
    const call = meituanCallFor(ORDER, status({ status: 'location', happenedAt: at, position: { lat: 39.914266, lng: 116.403988 } }));
    // WGS-84 Tiananmen is GCJ-02 39.915670,116.410232 (coordinates.unit.spec.ts).
    expect(call.params).toMatchObject({ logistics_status: '20', latitude: '39.915670', longitude: '116.410232' });
  });

  it('needs a position to stand in for a rider’s status without one, never for a location or the counter’s statuses', () => {
    expect(needsStandInPosition(status({ status: 'rider_assigned', happenedAt: at }))).toBe(true);
    expect(needsStandInPosition(status({ status: 'delivered', happenedAt: at, position: { lat: 1, lng: 1 } }))).toBe(false);
    expect(needsStandInPosition(status({ status: 'location', happenedAt: at, position: { lat: 1, lng: 1 } }))).toBe(false);
    expect(needsStandInPosition(status({ status: 'confirmed', happenedAt: at }))).toBe(false);
  });

  it('waits for a rider dispatch has not told us of yet (retryable), and dies for one without a mobile number', () => {
    expect(() => meituanCallFor(ORDER, status({ status: 'out_for_delivery', happenedAt: at, riderId: 'rider-9' }, false), shopPin)).toThrow(
      expect.objectContaining({ retryable: true, message: 'the rider rider-9 is not known yet' }),
    );
    expect(() => meituanCallFor(ORDER, { facts: { status: 'delivered', happenedAt: at }, rider: { riderId: 'r', name: 'N' } }, shopPin)).toThrow(
      expect.objectContaining({ retryable: false }),
    );
  });

  it('tells no carded delivery, and refuses an order id that is not Meituan’s', () => {
    expect(() => meituanCallFor(ORDER, status({ status: 'carded', happenedAt: at }))).toThrow(MeituanWriteRefused);
    expect(() => meituanCallFor('#1001', status({ status: 'confirmed', happenedAt: at }))).toThrow(/not a Meituan order id/);
  });
});

describe('a mainland mobile number as Meituan takes it', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['+86 138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['+31 6 12345678', undefined],
    ['13800138000,1234', undefined],
    [undefined, undefined],
  ])('%s → %s', (phone, expected) => {
    expect(mainlandMobile(phone)).toBe(expected);
  });
});

describe('Meituan’s answer', () => {
  it('is done when data is ok (or any data of its own)', () => {
    expect(answerOf(200, '{"data":"ok"}')).toEqual({ ok: true, data: 'ok' });
    expect(answerOf(200, '{"data":[{"app_poi_code":"p"}]}')).toEqual({ ok: true, data: [{ app_poi_code: 'p' }] });
  });

  it('is refused for good on a wrong sig, an unknown order or an order that moved on', () => {
    for (const code of [703, 806, 808]) {
      expect(answerOf(200, JSON.stringify({ data: 'ng', error: { code, msg: 'x' } }))).toMatchObject({ ok: false, retryable: false });
    }
  });

  it('keeps a 17-digit order id whole, which a double would round', () => {
    expect(answerOf(200, '{"data":[{"order_id":27061900338318741,"day_seq":1,"real_phone_number":"13811112222"}]}')).toEqual({
      ok: true,
      data: [{ order_id: '27061900338318741', day_seq: 1, real_phone_number: '13811112222' }],
    });
    // Only numbers are quoted: digits inside a string, escapes and short or decimal numbers stay as they are.
    expect(withLongIntegersAsText('{"msg":"订单 27061900338318741 \\" 1","a":-1.5e3,"b":[12,27061900338318741]}')).toBe(
      '{"msg":"订单 27061900338318741 \\" 1","a":-1.5e3,"b":[12,"27061900338318741"]}',
    );
  });

  it('is tried again when Meituan is down or throttles the app', () => {
    expect(answerOf(200, '{"data":"ng","error":{"code":700,"msg":"系统错误"}}')).toMatchObject({
      ok: false,
      retryable: true,
      message: expect.stringMatching(/700: 系统错误/),
    });
    expect(answerOf(200, '{"data":"ng","error":{"code":711,"msg":"接口调用过于频繁"}}')).toMatchObject({ retryable: true });
    expect(answerOf(502, '<html>Bad Gateway</html>')).toMatchObject({ ok: false, retryable: true });
    expect(answerOf(404, 'not found')).toMatchObject({ ok: false, retryable: false });
  });
});

describe('the shop’s pin from poi/mget', () => {
  it('is the store’s latitude and longitude, given ×10⁶', () => {
    expect(shopPinOf([{ app_poi_code: 'petals-1', latitude: 39996794, longitude: 116480881 }], 'petals-1')).toEqual({ lat: 39.996794, lng: 116.480881 });
  });

  it('is none for another store or no position', () => {
    expect(shopPinOf([{ app_poi_code: 'other', latitude: 39996794, longitude: 116480881 }], 'petals-1')).toBeUndefined();
    expect(shopPinOf([{ app_poi_code: 'petals-1', latitude: 0, longitude: 0 }], 'petals-1')).toBeUndefined();
    expect(shopPinOf('ok', 'petals-1')).toBeUndefined();
  });
});
