import { randomBytes } from 'node:crypto';
import { SecretBox } from './secret-box';

describe('the intake secret box', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed for the same row, and nothing sealed for another row or under another key', () => {
    const sealed = box.seal('shpss_secret', 'connection:a');
    expect(sealed.includes(Buffer.from('shpss_secret'))).toBe(false);
    expect(box.open(sealed, 'connection:a').toString()).toBe('shpss_secret');
    expect(() => box.open(sealed, 'connection:b')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'connection:a')).toThrow();
  });

  it('tells equal values apart from different ones by digest, with a key of its own', () => {
    expect(box.digest({ name: 'Alex' })).toBe(box.digest({ name: 'Alex' }));
    expect(box.digest({ name: 'Alex' })).not.toBe(box.digest({ name: 'Sam' }));
    expect(new SecretBox(randomBytes(32)).digest({ name: 'Alex' })).not.toBe(box.digest({ name: 'Alex' }));
  });
});
