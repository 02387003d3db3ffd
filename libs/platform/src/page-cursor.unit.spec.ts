import { DomainError } from '@petalpost/contracts';
import { decodePageCursor, encodePageCursor, isCursorId, isCursorTime } from './page-cursor';

const timeAndId = (k: unknown[]): k is [string, string] => k.length === 2 && isCursorTime(k[0]) && isCursorId(k[1]);

describe('page cursors', () => {
  it('give back the key they were made of', () => {
    const key: [string, string] = ['2026-02-14T12:00:00.123456Z', 'order-7'];
    expect(decodePageCursor(encodePageCursor(key), timeAndId)).toEqual(key);
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['a key of the wrong shape', encodePageCursor(['2026-02-14T12:00:00.123456Z'])],
    ['a time without microseconds', encodePageCursor(['2026-02-14T12:00:00.123Z', 'o'])],
    ['a day that does not exist', encodePageCursor(['2026-02-30T12:00:00.000000Z', 'o'])],
    ['an id too long', encodePageCursor(['2026-02-14T12:00:00.123456Z', 'x'.repeat(201)])],
  ])('refuse %s as 400 INVALID_CURSOR', (_case, text) => {
    expect(() => decodePageCursor(text, timeAndId)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }) as DomainError);
  });
});
