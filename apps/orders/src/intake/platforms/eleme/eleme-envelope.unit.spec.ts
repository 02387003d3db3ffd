import { answerEnvelope, elemeSign, envelopeParams, formEncoded, resultOf, signedEnvelope, verifyElemeSign } from './eleme-envelope';

// The expected signs were computed outside this code, from the canonical strings shown, with
// `printf '%s' '<canonical>' | md5sum` and upper-cased.
const orderGet = {
  cmd: 'order.get',
  body: '{"order_id":"3035779590075503"}',
  source: '34665',
  ticket: '5D67EC2B-D793-44AC-A0A9-2B68DF8873B0',
  timestamp: '1739520000',
  version: '3',
  encrypt: '',
};
// body={"order_id":"3035779590075503"}&cmd=order.get&encrypt=&secret=hush-secret&source=34665&ticket=5D67EC2B-D793-44AC-A0A9-2B68DF8873B0&timestamp=1739520000&version=3
const ORDER_GET_SIGN = '74EEC5DB88AFC72603C163CABC1E0794';

const cancelPush = {
  access_token: 'tok-1',
  body: '{"order_id":"3035779590075503","status":10,"reason":"买家取消"}',
  cmd: 'order.status.push',
  encrypt: '',
  source: '34665',
  ticket: 'A1B2',
  timestamp: '1739520001',
  version: '3',
};
// access_token=tok-1&body={"order_id":"3035779590075503","status":10,"reason":"买家取消"}&cmd=order.status.push&encrypt=&secret=hush-secret&source=34665&ticket=A1B2&timestamp=1739520001&version=3
const CANCEL_PUSH_SIGN = '78CB3AA4B6C068CF1E162F6CCB22E84A';

describe('the Ele.me envelope signature', () => {
  it('is the upper-case MD5 of the parameters sorted by name with the secret added, the body as sent', () => {
    expect(elemeSign(orderGet, 'hush-secret')).toBe(ORDER_GET_SIGN);
  });

  it('signs an access token and a body with Chinese text as UTF-8, the empty encrypt included', () => {
    expect(elemeSign(cancelPush, 'hush-secret')).toBe(CANCEL_PUSH_SIGN);
  });

  it('leaves the sign itself out of what it signs', () => {
    expect(elemeSign({ ...orderGet, sign: 'ANYTHING' }, 'hush-secret')).toBe(ORDER_GET_SIGN);
  });

  it('builds a call envelope with version 3 and an empty encrypt, signed', () => {
    const params = signedEnvelope(
      { cmd: 'order.get', body: { order_id: '3035779590075503' }, source: '34665', ticket: orderGet.ticket, timestamp: 1739520000 },
      'hush-secret',
    );
    expect(params).toEqual({ ...orderGet, sign: ORDER_GET_SIGN });
  });

  it('adds the access token to what is signed when the connection has one', () => {
    const params = signedEnvelope(
      { cmd: 'order.get', body: { order_id: '1' }, source: '34665', ticket: 'T', timestamp: 1, accessToken: 'tok-1' },
      'hush-secret',
    );
    expect(params.access_token).toBe('tok-1');
    expect(verifyElemeSign(params, ['hush-secret'])).toBe(true);
    expect(verifyElemeSign({ ...params, access_token: 'tok-2' }, ['hush-secret'])).toBe(false);
  });
});

describe('verifying a received envelope', () => {
  const push = { ...cancelPush, sign: CANCEL_PUSH_SIGN };

  it('verifies one signed with the current secret, or the previous one during a rotation', () => {
    expect(verifyElemeSign(push, ['hush-secret'])).toBe(true);
    expect(verifyElemeSign(push, ['new-secret', 'hush-secret'])).toBe(true);
    expect(verifyElemeSign(push, ['new-secret'])).toBe(false);
  });

  it('takes a lower-case sign as the same digest', () => {
    expect(verifyElemeSign({ ...push, sign: CANCEL_PUSH_SIGN.toLowerCase() }, ['hush-secret'])).toBe(true);
  });

  it.each([
    ['a changed body', { ...push, body: push.body.replace('10', '9') }],
    ['a re-serialised body', { ...push, body: JSON.stringify(JSON.parse(push.body), null, 1) }],
    ['a changed timestamp', { ...push, timestamp: '1739520002' }],
    ['an added parameter', { ...push, extra: '1' }],
    ['no sign', { ...cancelPush }],
    ['a sign that is not an MD5', { ...push, sign: 'forged' }],
  ])('refuses %s', (_case, params) => {
    expect(verifyElemeSign(params as Record<string, string>, ['hush-secret'])).toBe(false);
  });

  it('refuses everything when the connection has no secret', () => {
    expect(verifyElemeSign(push, [])).toBe(false);
  });
});

describe('reading envelopes off the wire', () => {
  it('reads a form-encoded push, its body decoded once', () => {
    const push = { ...cancelPush, sign: CANCEL_PUSH_SIGN };
    const wire = formEncoded(push);
    expect(wire).toContain('body=%7B%22order_id%22');
    expect(envelopeParams(Buffer.from(wire))).toEqual(push);
  });

  it('reads a JSON object of the same parameters, numbers as their text', () => {
    expect(envelopeParams(JSON.stringify({ ...orderGet, timestamp: 1739520000, version: 3 }))).toEqual(orderGet);
  });

  it('refuses a JSON envelope whose body is an object: the signature is over text it cannot know', () => {
    expect(envelopeParams(JSON.stringify({ ...orderGet, body: { order_id: '1' } }))).toBeUndefined();
  });

  it.each([[''], ['{not json'], ['[1,2]']])('reads nothing from %p', (raw) => {
    expect(envelopeParams(raw)).toBeUndefined();
  });
});

describe('answers', () => {
  it('answers a push with a signed resp.<cmd> envelope whose body is the success result as text', () => {
    const text = answerEnvelope({ cmd: 'order.create', source: '34665', ticket: 'T-1' }, { errno: 0, error: 'success', data: {} }, 1739520002, 'hush-secret');
    // body={"errno":0,"error":"success","data":{}}&cmd=resp.order.create&secret=hush-secret&source=34665&ticket=T-1&timestamp=1739520002&version=3
    expect(JSON.parse(text)).toEqual({
      body: '{"errno":0,"error":"success","data":{}}',
      cmd: 'resp.order.create',
      source: '34665',
      ticket: 'T-1',
      timestamp: '1739520002',
      version: '3',
      sign: '39F53C84EB62C6C6463EFA6D94493984',
    });
  });

  it('refuses unsigned when no secret is known', () => {
    const answer = JSON.parse(answerEnvelope({ cmd: 'order.create' }, { errno: 1, error: 'shop not connected', data: null }, 1, undefined));
    expect(answer.sign).toBeUndefined();
    expect(resultOf(answer)).toEqual({ errno: 1, error: 'shop not connected', data: null });
  });

  it('reads the result of an answer whose body is an object, as the API sends it', () => {
    expect(resultOf({ body: { errno: '20253', error: 'order not exist', data: null } })).toEqual({ errno: 20253, error: 'order not exist', data: null });
    expect(resultOf({ body: { error: 'no errno' } })).toBeUndefined();
    expect(resultOf('text')).toBeUndefined();
  });
});
