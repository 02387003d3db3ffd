import { z } from 'zod';
import { apiOriginOf, platformsConfigShape } from './platforms.config';

describe('the platforms’ API origins', () => {
  const config = z.object(platformsConfigShape);

  it('calls the real platforms unless told otherwise', () => {
    const defaults = config.parse({});
    expect(apiOriginOf(defaults, 'meituan')).toBe('https://waimaiopen.meituan.com');
    expect(apiOriginOf(defaults, 'eleme')).toBe('https://api-be.ele.me');
    expect(apiOriginOf(defaults, 'youzan')).toBe('https://open.youzanyun.com');
    expect(apiOriginOf(defaults, 'wechat')).toBe('https://api.weixin.qq.com');
  });

  it('takes a local stand-in over http on loopback, without a trailing slash', () => {
    expect(config.parse({ ORDERS_INTAKE_MEITUAN_API_ORIGIN: 'http://127.0.0.1:4010/' }).ORDERS_INTAKE_MEITUAN_API_ORIGIN).toBe('http://127.0.0.1:4010');
    expect(config.parse({ ORDERS_INTAKE_ELEME_API_ORIGIN: 'http://localhost:4011' }).ORDERS_INTAKE_ELEME_API_ORIGIN).toBe('http://localhost:4011');
  });

  it('refuses plain http to another host, where the app secret and tokens would travel in the clear', () => {
    const result = config.safeParse({ ORDERS_INTAKE_YOUZAN_API_ORIGIN: 'http://open.youzanyun.com' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be https (http only on 127.0.0.1, ::1 or localhost)');
  });

  it('refuses a path, which would be joined wrongly to every call', () => {
    expect(config.safeParse({ ORDERS_INTAKE_WECHAT_API_ORIGIN: 'https://api.weixin.qq.com/cgi-bin' }).success).toBe(false);
    expect(config.safeParse({ ORDERS_INTAKE_WECHAT_API_ORIGIN: 'ftp://api.weixin.qq.com' }).success).toBe(false);
  });
});
