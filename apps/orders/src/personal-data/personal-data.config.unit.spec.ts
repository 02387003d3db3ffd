import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@petalpost/platform';
import { z } from 'zod';
import { DEVELOPMENT_PERSONAL_DATA_KEY, masterKeyFrom, personalDataConfigShape } from './personal-data.config';

const productionKey = randomBytes(32);

describe('the personal data master key', () => {
  it('decodes a base64 key of 32 bytes', () => {
    expect(masterKeyFrom({ PERSONAL_DATA_KEY: productionKey.toString('base64'), NODE_ENV: 'production' })).toEqual(productionKey);
  });

  it('uses the development key outside production', () => {
    const key = masterKeyFrom({ PERSONAL_DATA_KEY: DEVELOPMENT_PERSONAL_DATA_KEY, NODE_ENV: 'development' });
    expect(key).toHaveLength(32);
  });

  it('refuses the development key in production', () => {
    expect(() => masterKeyFrom({ PERSONAL_DATA_KEY: DEVELOPMENT_PERSONAL_DATA_KEY, NODE_ENV: 'production' })).toThrow(
      /PERSONAL_DATA_KEY: must be set in production/,
    );
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['not base64', 'a passphrase of more than thirty-two characters, not a key'],
    ['base64 with a stray character', `${productionKey.toString('base64')}!`],
    ['empty', ''],
  ])('refuses a key that is %s', (_, key) => {
    expect(() => masterKeyFrom({ PERSONAL_DATA_KEY: key, NODE_ENV: 'development' })).toThrow(ConfigError);
    expect(() => masterKeyFrom({ PERSONAL_DATA_KEY: key, NODE_ENV: 'development' })).toThrow(/PERSONAL_DATA_KEY: must be base64 of 32 random bytes/);
  });
});

describe('the personal data config shape', () => {
  const schema = z.object(personalDataConfigShape);

  it('defaults to the development key', () => {
    expect(loadConfig(schema, {})).toEqual({ PERSONAL_DATA_KEY: DEVELOPMENT_PERSONAL_DATA_KEY });
  });

  it('names a malformed key at boot', () => {
    expect(() => loadConfig(schema, { PERSONAL_DATA_KEY: 'short' })).toThrow(/PERSONAL_DATA_KEY: must be base64 of 32 random bytes/);
  });
});
