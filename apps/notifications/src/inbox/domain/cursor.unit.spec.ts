import { decodeCursor, encodeCursor, startingPoint } from './cursor';

describe('cursors', () => {
  it('round-trips the last sequence number of each inbox', () => {
    const positions = { 'shop:s1': 37, 'person:s1:alice': 2 };
    const cursor = encodeCursor(positions);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(positions);
  });

  it.each([
    ['not base64 JSON', '!!!'],
    ['JSON but not an object', encodeCursor([1, 2] as never)],
  ])('treats a cursor that is %s as none', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });

  it('drops entries that are not sequence numbers', () => {
    const cursor = Buffer.from(JSON.stringify({ 'shop:s1': 4, 'shop:s2': -1, x: 'y', z: 1.5 })).toString('base64url');
    expect(decodeCursor(cursor)).toEqual({ 'shop:s1': 4 });
  });
});

describe('where a reader starts in an inbox', () => {
  it('starts a reader without a cursor at the head: live from now', () => {
    expect(startingPoint(undefined, 1, 40)).toEqual({ after: 40, reset: false });
  });

  it('resumes right after what the reader saw', () => {
    expect(startingPoint(37, 1, 100)).toEqual({ after: 37, reset: false });
    expect(startingPoint(100, 1, 100)).toEqual({ after: 100, reset: false });
  });

  it('resumes when the next entry is the oldest still kept', () => {
    expect(startingPoint(49, 50, 100)).toEqual({ after: 49, reset: false });
  });

  it('resets a reader whose next entries were dropped by retention, serving what is kept', () => {
    expect(startingPoint(10, 50, 100)).toEqual({ after: 49, reset: true });
    expect(startingPoint(10, undefined, 100)).toEqual({ after: 100, reset: true });
  });

  it('resets a cursor ahead of the inbox (from another environment)', () => {
    expect(startingPoint(500, 1, 100)).toEqual({ after: 100, reset: true });
  });
});
