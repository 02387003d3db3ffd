import { DEFAULT_PLATFORM_RULES } from '../buyer-note';
import { type PlatformAccess, PushRefused, type PushRequest } from '../platform-connector';
import { elemeSign, envelopeParams, formEncoded, signedEnvelope, verifyElemeSign } from './eleme-envelope';
import { ElemeConnector } from './eleme.connector';

const clock = { now: () => new Date('2026-02-13T07:00:05Z'), ticket: () => 'B5F7C0DE-0000-4000-8000-000000000001' };
const connector = new ElemeConnector(clock);
const SECRET = 'hush-secret';
const push = (params: Record<string, string>, method: 'GET' | 'POST' = 'POST'): PushRequest => ({
  method,
  callbackUrl: 'https://petalpost.example/api/orders/intake/pushes/eleme/c-1',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  query: {},
  rawBody: Buffer.from(method === 'POST' ? formEncoded(params) : ''),
});
const signed = (cmd: string, body: unknown, secret = SECRET) =>
  signedEnvelope({ cmd, body, source: '34665', ticket: 'T-1', timestamp: Math.floor(Date.parse('2026-02-13T07:00:00Z') / 1000) }, secret);
const refusalOf = (act: () => unknown): PushRefused | undefined => {
  try {
    act();
  } catch (err) {
    if (err instanceof PushRefused) return err;
    throw err;
  }
  return undefined;
};

describe('the Ele.me connector at the push door', () => {
  it('stores a signed new-order push under its order', () => {
    expect(connector.verify(push(signed('order.create', { order_id: '3035779590075503' })), [SECRET])).toEqual({
      store: true,
      eventId: 'order.create:3035779590075503',
      topic: 'order.create',
    });
  });

  it('takes a push signed with the previous secret while the rotation lasts', () => {
    expect(connector.verify(push(signed('order.create', { order_id: '1' }, 'old-secret')), [SECRET, 'old-secret'])).toMatchObject({ store: true });
  });

  it('refuses a forged push, and one whose body was changed after signing', () => {
    expect(refusalOf(() => connector.verify(push(signed('order.create', { order_id: '1' }, 'forger')), [SECRET]))).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const changed = { ...signed('order.create', { order_id: '1' }), body: '{"order_id":"2"}' };
    expect(refusalOf(() => connector.verify(push(changed), [SECRET]))).toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses what is not an envelope as malformed, and a signed envelope without a ticket', () => {
    const junk: PushRequest = { ...push({}), rawBody: Buffer.from('') };
    expect(refusalOf(() => connector.verify(junk, [SECRET]))).toMatchObject({ code: 'MALFORMED' });
    const noTicket: Record<string, string> = {
      cmd: 'order.create',
      body: '{"order_id":"1"}',
      source: '34665',
      timestamp: '1771000000',
      version: '3',
      encrypt: '',
    };
    noTicket.sign = elemeSign(noTicket, SECRET);
    expect(refusalOf(() => connector.verify(push(noTicket), [SECRET]))).toMatchObject({ code: 'MALFORMED', message: 'ticket is missing' });
  });

  it('answers and drops a GET', () => {
    expect(connector.verify(push({}, 'GET'), [SECRET])).toEqual({ store: false, ignored: 'a GET: Ele.me pushes are form-encoded POSTs' });
  });

  it('acknowledges with a signed resp.<cmd> envelope, errno 0', () => {
    const answer = connector.ack(push(signed('order.status.push', { order_id: '1', status: 10 })), SECRET);
    expect(answer).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8' });
    const envelope = JSON.parse(answer.body) as Record<string, string>;
    expect(envelope).toMatchObject({
      cmd: 'resp.order.status.push',
      source: '34665',
      ticket: 'T-1',
      timestamp: String(Date.parse('2026-02-13T07:00:05Z') / 1000),
      version: '3',
    });
    expect(JSON.parse(envelope.body)).toEqual({ errno: 0, error: 'success', data: {} });
    expect(verifyElemeSign(envelope, [SECRET])).toBe(true);
  });

  it.each([
    ['SIGNATURE_INVALID', 1001],
    ['SHOP_NOT_CONNECTED', 1002],
    ['MALFORMED', 1003],
  ] as const)('refuses %s in the same envelope, errno %i, unsigned', (code, errno) => {
    const answer = connector.refuse(push(signed('order.create', { order_id: '1' })), new PushRefused(code, 'why'));
    expect(answer.status).toBe(200);
    const envelope = JSON.parse(answer.body) as Record<string, string>;
    expect(envelope.cmd).toBe('resp.order.create');
    expect(envelope.sign).toBeUndefined();
    expect(JSON.parse(envelope.body)).toEqual({ errno, error: 'why', data: null });
  });

  it('makes a signed sample new-order push for the connection test, as Ele.me would send it', () => {
    const access: PlatformAccess = {
      platform: 'eleme',
      connectionId: 'c-1',
      appKey: '34665',
      secret: SECRET,
      storeRef: 'S-88',
      credentials: {},
      apiOrigin: 'https://api-be.ele.me',
      timeZone: 'Asia/Shanghai',
      rules: DEFAULT_PLATFORM_RULES,
    };
    const sample = connector.samplePush(access, 'https://petalpost.example/api/orders/intake/pushes/eleme/c-1');
    expect(sample.contentType).toBe('application/x-www-form-urlencoded; charset=UTF-8');
    const params = envelopeParams(sample.body)!;
    expect(params).toMatchObject({ cmd: 'order.create', source: '34665', ticket: clock.ticket(), version: '3' });
    expect(JSON.parse(params.body)).toEqual({ order_id: expect.stringMatching(/^9\d{15}$/), platform_shop_id: 'S-88' });
    expect(connector.verify({ ...push({}), rawBody: sample.body }, [SECRET])).toMatchObject({ store: true, topic: 'order.create' });
  });
});
