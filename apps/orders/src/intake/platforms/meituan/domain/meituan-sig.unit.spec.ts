import { meituanSig, meituanSignedText, meituanSigMatches } from './meituan-sig';

// Vectors computed by hand: the signed text written out, then `printf '%s' '<text>' | md5sum`.
const API = 'https://waimaiopen.meituan.com/api/v1/order/confirm';
const CALLBACK = 'https://shop.example.cn/api/orders/intake/pushes/meituan/c1/paid';
const SECRET = 'a7f8c1e2b3d4';

describe('Meituan sig', () => {
  it('signs the URL, the parameters sorted by name and the secret appended, as MD5 lowercase hex', () => {
    const params = { timestamp: '1389751221', order_id: '27061900338318741', app_id: '6' };
    expect(meituanSignedText(API, params, SECRET)).toBe(`${API}?app_id=6&order_id=27061900338318741&timestamp=1389751221${SECRET}`);
    expect(meituanSig(API, params, SECRET)).toBe('00febac3f3f005c20903fc4830640fb0');
  });

  it('signs values as they are — Chinese as UTF-8, a space as a space, never URL-encoded — and leaves sig out', () => {
    const params = { app_id: '6', timestamp: '1389751221', order_id: '27061900338318741', caution: '贺卡：生日快乐 匿名', sig: 'ignored' };
    expect(meituanSig(CALLBACK, params, SECRET)).toBe('527dc400b7fdf57eb5361c32455bdb85');
    // The same note with the space still form-encoded is another text, another sig.
    expect(meituanSig(CALLBACK, { ...params, caution: '贺卡：生日快乐+匿名' }, SECRET)).toBe('33a614c5c5d1694e49b17f7265e1d838');
  });

  it('sorts names by their characters, not by locale: an underscore after capitals and before small letters', () => {
    expect(meituanSignedText('u', { b: '1', a_b: '2', aB: '3', a: '4' }, 's')).toBe('u?a=4&aB=3&a_b=2&b=1s');
  });

  it('verifies a sig in either case, under the current or the previous secret', () => {
    const params = { app_id: '6', timestamp: '1389751221', order_id: '27061900338318741' };
    expect(meituanSigMatches(API, params, '00febac3f3f005c20903fc4830640fb0', [SECRET])).toBe(true);
    expect(meituanSigMatches(API, params, '00FEBAC3F3F005C20903FC4830640FB0', ['rotated', SECRET])).toBe(true);
    expect(meituanSigMatches(API, params, '00febac3f3f005c20903fc4830640fb0', ['rotated'])).toBe(false);
  });

  it.each([
    ['no sig', undefined],
    ['a sig of the wrong length', '00febac3f3f005c20903fc4830640f'],
    ['a sig that is not hex', 'zzfebac3f3f005c20903fc4830640fb0'],
  ])('refuses %s', (_case, sig) => {
    expect(meituanSigMatches(API, { app_id: '6', timestamp: '1389751221', order_id: '27061900338318741' }, sig, [SECRET])).toBe(false);
  });

  it('refuses a sig made over another URL (a proxy that rewrote the scheme) or with one value changed', () => {
    const params = { app_id: '6', timestamp: '1389751221', order_id: '27061900338318741' };
    const sig = meituanSig(API, params, SECRET);
    expect(meituanSigMatches(API.replace('https:', 'http:'), params, sig, [SECRET])).toBe(false);
    expect(meituanSigMatches(API, { ...params, order_id: '27061900338318742' }, sig, [SECRET])).toBe(false);
    expect(meituanSigMatches(API, params, sig, [])).toBe(false);
  });
});
