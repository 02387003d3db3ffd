import { Writable } from 'node:stream';
import { createLogger, withoutTokens } from './logger';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiY3VzdG9tZXIifQ.c2lnbmF0dXJl';

describe('URLs in logs', () => {
  it.each([
    [`/track/${jwt}`, '/track/[redacted]'],
    [`/track/${jwt}/events?x=1`, '/track/[redacted]/events?x=1'],
    [`/ws?access_token=${jwt}&cursor=abc`, '/ws?access_token=[redacted]&cursor=abc'],
    [`/sse?cursor=abc&token=${jwt}`, '/sse?cursor=abc&token=[redacted]'],
    ['/orders/7d1e?asOf=2026-02-14T10:00:00Z', '/orders/7d1e?asOf=2026-02-14T10:00:00Z'],
    ['/invitations/3q2-7wEhnS_xVx8Zf4R0b1kQ9yE2mZJt0q1y2x3c4v5/accept', '/invitations/[redacted]/accept'],
    ['/track/3q2-7wEhnS_xVx8Zf4R0b1kQ9yE2mZJt0q1y2x3c4v5', '/track/[redacted]'],
    ['/track/3q2-7wEhnS_xVx8Zf4R0b1kQ9yE2mZJt0q1y2x3c4v5/state?lang=zh-CN', '/track/[redacted]/state?lang=zh-CN'],
    ['/track/assets/0a1b2c3d/tracking.css', '/track/assets/0a1b2c3d/tracking.css'],
    ['/sse?ticket=3q2-7wEhnS_xVx8Zf4R0b1kQ9yE2mZJt0q1y2x3c4v5&cursor=abc', '/sse?ticket=[redacted]&cursor=abc'],
  ])('logs %s as %s', (url, logged) => {
    expect(withoutTokens(url)).toBe(logged);
  });
});

describe('createLogger', () => {
  it('never writes a request’s token to the log', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
    logger.info({ req: { method: 'GET', url: `/track/${jwt}` } }, 'request');
    expect(lines.join('')).toContain('/track/[redacted]');
    expect(lines.join('')).not.toContain(jwt);
  });
});
