import { createHash } from 'node:crypto';
import { startMeituanStandIn, type MeituanStandIn } from './meituan.stand-in';

// The stand-in is what proves the Meituan connector speaks Meituan's open API, so each refusal here
// is a call Meituan itself would not accept (go-meituan's request types and error codes).

describe('the Meituan open-API stand-in', () => {
  let meituan: MeituanStandIn;
  beforeAll(async () => {
    meituan = await startMeituanStandIn({ appId: '6', appSecret: 'a7f8c1e2b3d4', appPoiCode: 'petals-1' });
  });
  afterAll(() => meituan.close());

  /** A call signed by hand: URL + ? + sorted k=v + secret, MD5 hex. */
  const signedUrl = (path: string, params: Record<string, string>, secret = 'a7f8c1e2b3d4') => {
    const all: Record<string, string> = { app_id: '6', timestamp: String(Math.floor(Date.now() / 1000)), ...params };
    const text = `${meituan.apiOrigin}/api/v1/${path}?${Object.keys(all)
      .sort()
      .map((k) => `${k}=${all[k]}`)
      .join('&')}${secret}`;
    return `${meituan.apiOrigin}/api/v1/${path}?${new URLSearchParams({ ...all, sig: createHash('md5').update(text).digest('hex') })}`;
  };
  const fetchText = async (path: string, params: Record<string, string>) => (await fetch(signedUrl(path, params))).text();
  const call = async (path: string, params: Record<string, string>, init: { method?: 'GET' | 'POST'; secret?: string } = {}) => {
    const url = signedUrl(path, params, init.secret);
    // A POST carries the application parameters as a form body, the system ones (app_id, timestamp, sig) stay in the query.
    const response =
      init.method === 'POST'
        ? await fetch(url.replace(/\?.*$/, `?${new URLSearchParams([...new URL(url).searchParams].filter(([k]) => !(k in params)))}`), {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams(params).toString(),
          })
        : await fetch(url);
    return (await response.json()) as { data: unknown; error?: { code: number; msg: string } };
  };

  it('confirms an order on a call signed as Meituan documents, and records it', async () => {
    expect(await call('order/confirm', { order_id: '27061900338318741' })).toEqual({ data: 'ok' });
    expect(meituan.writebacks().at(-1)).toEqual({ path: 'order/confirm', method: 'GET', params: { order_id: '27061900338318741' } });
  });

  it.each([
    ['a wrong secret', 'order/confirm', { order_id: '1' }, { secret: 'other' }, 703],
    ['a parameter missing', 'order/confirm', {}, {}, 701],
    ['a parameter the path does not take', 'order/confirm', { order_id: '1', remark: 'x' }, {}, 705],
    [
      'a courier phone that is no mainland mobile',
      'ecommerce/order/logistics/sync',
      { ...sync(), courier_phone: '+8613800138000' },
      { method: 'POST' as const },
      705,
    ],
    ['a logistics status Meituan has not', 'ecommerce/order/logistics/sync', { ...sync(), logistics_status: '30' }, { method: 'POST' as const }, 705],
    ['a logistics sync sent as a GET', 'ecommerce/order/logistics/sync', sync(), {}, 405],
  ])('refuses %s as Meituan does', async (_case, path, params, init, code) => {
    expect(await call(path, params, init)).toMatchObject({ data: 'ng', error: { code } });
    expect(meituan.calls().at(-1)?.refused).toBeDefined();
  });

  it('refuses the next calls on purpose as Meituan refuses when it is down, then takes them again', async () => {
    meituan.refuseNext(1);
    expect(await call('order/preparationMealComplete', { order_id: '2' })).toEqual({ data: 'ng', error: { code: 700, msg: '系统错误' } });
    expect(await call('order/preparationMealComplete', { order_id: '2' })).toEqual({ data: 'ok' });
    expect(meituan.refusedOnPurpose()).toHaveLength(1);
  });

  it('gives the store’s pin ×10⁶ and the real numbers of downgraded orders', async () => {
    expect(await call('poi/mget', { app_poi_codes: 'petals-1' })).toEqual({ data: [{ app_poi_code: 'petals-1', latitude: 39996794, longitude: 116480881 }] });
    meituan.setRealPhone('27061900338318741', '13811112222');
    const response = await fetchText('order/batchPullPhoneNumber', { offset: '0', limit: '100' });
    // The id as Meituan writes it: a 17-digit JSON number, not rounded to what a double holds.
    expect(response).toBe(
      '{"data":[{"order_id":27061900338318741,"app_poi_code":"petals-1","wm_order_id_view":27061900338318741,"day_seq":1,"real_phone_number":"13811112222"}]}',
    );
  });
});

function sync(): Record<string, string> {
  return {
    order_id: '1',
    third_carrier_order_id: '1',
    courier_name: '王师傅',
    courier_phone: '13800138000',
    logistics_provider_code: '10015',
    logistics_status: '20',
    latitude: '39.915670',
    longitude: '116.410232',
  };
}
